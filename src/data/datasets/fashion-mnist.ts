import {
  loadIdxImages, searchFolders, type IdxImageDataset, type MnistData, type MnistOptions, type MnistSplit,
} from "./idx-images.js";
import { packageDataPath } from "./package-data.js";

export interface FashionMnistOptions<S extends MnistSplit = "both"> extends MnistOptions<S> {
  /**
   * Load the small subset shipped with zendl (the first 2,000 training and 500 test images, in
   * data/fashion-mnist-subset) instead of searching for the full files. Default false.
   */
  subset?: boolean;
}

const FASHION_MNIST: IdxImageDataset = {
  title: "loadFashionMnist",
  folder: "fashion-mnist",
  howToGet: "Install them with `apt-get install dataset-fashion-mnist` (Debian, Ubuntu: it puts them in " +
    "/usr/share/datasets/fashion-mnist), or download the four files from " +
    "https://github.com/zalandoresearch/fashion-mnist (data/fashion) into one of those folders",
};

const MNIST: IdxImageDataset = {
  title: "loadMnist",
  folder: "mnist",
  howToGet: "Download the four files of the MNIST database (Y. LeCun, C. Cortes, C. Burges) into one of " +
    "those folders",
};

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf, Zalando SE 2017, MIT license): 28x28 grey images of
 * clothing in 10 classes (0 T-shirt/top, 1 trouser, 2 pullover, 3 dress, 4 coat, 5 sandal, 6 shirt,
 * 7 sneaker, 8 bag, 9 ankle boot), 60,000 for training and 10,000 for testing.
 *
 * The four IDX files (raw or .gz) are looked for in `dir`, then `$ZENDL_DATA` and
 * `$ZENDL_DATA/fashion-mnist`, then `./data/fashion-mnist`, then `/usr/share/datasets/fashion-mnist`
 * (where Debian's `dataset-fashion-mnist` package puts them); the error says where it looked.
 * `subset: true` loads the 2,000 + 500 images shipped with zendl instead.
 * Images are float32 [N, 1, 28, 28] in [0, 1] by default; labels are int32 [N].
 * @example
 * const { xTrain, yTrain, xTest, yTest } = loadFashionMnist({ flatten: true }); // xTrain [60000, 784]
 * const { xTest: xs } = loadFashionMnist({ split: "test" });                   // only the test part
 * const small = loadFashionMnist({ subset: true });                           // bundled, no download
 */
export function loadFashionMnist<S extends MnistSplit = "both">(
  options: FashionMnistOptions<S> = {},
): MnistData<S> {
  const folders = options.subset
    ? [{ path: packageDataPath("fashion-mnist-subset"), why: "the subset shipped with zendl" }]
    : searchFolders(FASHION_MNIST.folder, options.dir);
  return loadIdxImages(FASHION_MNIST, folders, options, "loadFashionMnist");
}

/**
 * MNIST handwritten digits (LeCun, Cortes and Burges): 28x28 grey images of the digits 0..9, 60,000
 * for training and 10,000 for testing, in the same IDX files and layout as Fashion-MNIST.
 * Searched like {@link loadFashionMnist}, under folders named `mnist`; no copy ships with zendl.
 * @example
 * const { xTrain, yTrain } = loadMnist({ dir: "/data/mnist", split: "train", flatten: true });
 */
export function loadMnist<S extends MnistSplit = "both">(options: MnistOptions<S> = {}): MnistData<S> {
  return loadIdxImages(MNIST, searchFolders(MNIST.folder, options.dir), options, "loadMnist");
}
