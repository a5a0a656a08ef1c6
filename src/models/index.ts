export { MLPClassifier, MLPRegressor } from "./mlp-estimators.js";
export { BaseMLP, type MLPOptions, type MLPActivation } from "./mlp.js";
