package org.eqprop.runner.run;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Why an I/O operation failed, in words: Java's file-system exceptions often carry only the path
 * (an {@link AccessDeniedException}'s message is the file's name), which told users nothing.
 */
public final class IoErrors {
  private IoErrors() {}

  /** The reason alone, e.g. {@code permission denied} or {@code No space left on device}. */
  public static String reason(IOException e) {
    if (e instanceof FileSystemException f) {
      if (f.getReason() != null) {
        return f.getReason();
      }
      if (f instanceof AccessDeniedException) {
        return "permission denied";
      }
      if (f instanceof NoSuchFileException) {
        return "no such file or directory";
      }
      if (f instanceof NotDirectoryException) {
        return "not a directory";
      }
      if (f instanceof FileAlreadyExistsException) {
        return "a file of that name exists";
      }
      if (f instanceof DirectoryNotEmptyException) {
        return "the directory is not empty";
      }
      return f.getClass().getSimpleName();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  /** {@code file: reason}, naming the file the operation failed on (where Java says which). */
  public static String describe(IOException e) {
    if (e instanceof FileSystemException f && f.getFile() != null) {
      return f.getFile() + ": " + reason(e);
    }
    return reason(e);
  }
}
