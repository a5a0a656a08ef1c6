export { MLPClassifier, MLPRegressor } from "./mlp-estimators.js";
export { BaseMLP, type MLPOptions, type MLPActivation } from "./mlp.js";
export {
  lenet5, cnn, mobilenet, resnet, type ImageModelOptions, type MobileNetOptions, type ResNetOptions,
} from "./cnn.js";
export { Perceptron, type PerceptronOptions } from "./perceptron.js";
export { KMeans, type KMeansOptions } from "./kmeans.js";
export { RBFClassifier, RBFRegressor, type RBFOptions } from "./rbf.js";
export { RBFLayer, rbfActivations, type RBFWidthHeuristic } from "./rbf-layer.js";
export { BernoulliRBM, rbmFreeEnergy, type BernoulliRBMOptions, type RBMEpochLog } from "./rbm.js";
export { DBNClassifier, type DBNOptions, type DBNPretrainOptions } from "./dbn.js";
export { Autoencoder, type AutoencoderOptions, type AutoencoderVariant } from "./autoencoder.js";
export { GAN, type GANOptions, type GANVariant } from "./gan.js";
export { fitGan, type FitGANOptions, type GANEpochLogs, type GANHistory } from "./gan-train.js";
export { classCoverage, type ClassCoverage } from "./gan-metrics.js";
export {
  CharLSTM, sampleText, type CharLSTMOptions, type LSTMState, type SampleOptions,
} from "./char-lstm.js";
export { SequenceClassifier, type SequenceClassifierOptions } from "./sequence-classifier.js";
