export { MLPClassifier, MLPRegressor } from "./mlp-estimators.js";
export { BaseMLP, type MLPOptions, type MLPActivation } from "./mlp.js";
export {
  lenet5, cnn, mobilenet, resnet, type ImageModelOptions, type MobileNetOptions, type ResNetOptions,
} from "./cnn.js";
