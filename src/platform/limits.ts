/**
 * The most a compressed data file may expand to (1 GiB; the largest shipped or known file, the
 * Fashion-MNIST training images, is 47 MB): a corrupt or hostile gzip stream fails instead of exhausting
 * memory. Node's `gunzipSync` enforces it (a browser has no synchronous gunzip).
 */
export const MAX_GUNZIP_BYTES = 2 ** 30;
