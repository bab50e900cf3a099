package org.eqprop.runner.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A training and a test set, read from a directory in the MNIST layout ({@code
 * train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte} and
 * {@code t10k-labels-idx1-ubyte}, each raw or with a {@code .gz} suffix; images 1×28×28) or in
 * CIFAR-10's binary layout ({@link Cifar10}: 3×32×32).
 *
 * @param train the training set
 * @param test the test set
 */
public record MnistData(Dataset train, Dataset test) {

  /** Loads and validates both sets from {@code dir}, in whichever of the two layouts it holds. */
  public static MnistData load(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new DataException("data directory " + dir + " not found");
    }
    if (Cifar10.holds(dir)) {
      return Cifar10.load(dir);
    }
    Dataset train = load(dir, "train", "train-images-idx3-ubyte", "train-labels-idx1-ubyte");
    Dataset test = load(dir, "test", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");
    if (train.features() != test.features()) {
      throw new DataException(
          "training images have " + train.features() + " pixels but test images " + test.features());
    }
    return new MnistData(train, test);
  }

  private static Dataset load(Path dir, String name, String imagesStem, String labelsStem) {
    Path imagesPath = find(dir, imagesStem);
    Path labelsPath = find(dir, labelsStem);
    IdxFile images = IdxFile.read(imagesPath);
    IdxFile labels = IdxFile.read(labelsPath);
    if (images.dims().length != 3) {
      throw new DataException(
          "data file " + imagesPath + " should hold images (3 dimensions) but has dimensions "
              + Arrays.toString(images.dims()));
    }
    if (labels.dims().length != 1) {
      throw new DataException(
          "data file " + labelsPath + " should hold labels (1 dimension) but has dimensions "
              + Arrays.toString(labels.dims()));
    }
    int count = images.dims()[0];
    if (labels.dims()[0] != count) {
      throw new DataException(
          "data files " + imagesPath.getFileName() + " and " + labelsPath.getFileName()
              + " disagree: " + count + " images but " + labels.dims()[0] + " labels");
    }
    if (count == 0) {
      throw new DataException("data file " + imagesPath + " holds no images");
    }
    return new Dataset(name, images.data(), labels.data(), count, new ImageShape(1, images.dims()[1], images.dims()[2]),
        null);
  }

  private static Path find(Path dir, String stem) {
    Path raw = dir.resolve(stem);
    if (Files.isRegularFile(raw)) {
      return raw;
    }
    Path gz = dir.resolve(stem + ".gz");
    if (Files.isRegularFile(gz)) {
      return gz;
    }
    throw new DataException("data file " + stem + " (or " + stem + ".gz) not found in " + dir);
  }

  /**
   * Checks that the data suits a model with {@code inputs} input units and {@code classes} outputs.
   */
  public void requireShape(int inputs, int classes) {
    requireInputs(inputs);
    requireLabels(classes, "model's " + classes + " outputs (model.layers ends with " + classes + ")");
  }

  /** Checks that the images have {@code inputs} pixels (the model's input layer). */
  public void requireInputs(int inputs) {
    if (train.features() != inputs) {
      throw new DataException(
          "model.layers starts with " + inputs + " inputs but the images have " + train.features() + " pixels");
    }
  }

  /**
   * Checks that every label is below {@code classes}; {@code what} names the classes in the message,
   * e.g. {@code model's 10 outputs (model.layers ends with 10)}.
   */
  public void requireLabels(int classes, String what) {
    for (Dataset d : new Dataset[] {train, test}) {
      for (int i = 0; i < d.count(); i++) {
        if (d.label(i) >= classes) {
          throw new DataException(d.name() + " label " + d.label(i) + " at index " + i + " is outside the " + what);
        }
      }
    }
  }
}
