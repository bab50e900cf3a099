package org.eqprop.api.tensor;

/**
 * Optional operations a backend may offer beyond {@link Backend}'s core set. A backend lists what
 * it offers in {@link Backend#capabilities()}; asking a backend for one it does not list throws
 * {@link UnsupportedOperationException}. Callers check first and fall back to the core operations,
 * so every model runs on every backend and the capability only makes it faster.
 */
public enum Capability {
  /** {@link ChainRelaxation}: the relaxation of a layered hard-sigmoid network, and its energy, fused. */
  CHAIN_RELAXATION("chain-relaxation"),

  /** {@link ChainContrast}: a layered hard-sigmoid network's update from two states, fused. */
  CHAIN_CONTRAST("chain-contrast"),

  /**
   * {@link ChainPhases}: both relaxations of an EP step for a layered hard-sigmoid network, with
   * the free phase's energy and classes, fused.
   */
  CHAIN_PHASES("chain-phases"),

  /** {@link AdamUpdate}: Adam's update of one parameter tensor in one pass. */
  ADAM_UPDATE("adam-update"),

  /**
   * {@link Backend#readLater} returns before the values arrive, so work issued after it overlaps
   * the copy: a learner then defers what it reads (see {@link org.eqprop.api.Learner#trainLater}).
   * No method of its own; {@link Backend#readLater} works everywhere.
   */
  ASYNC_READ("async-read");

  private final String id;

  Capability(String id) {
    this.id = id;
  }

  /** The capability's name in messages and listings, e.g. {@code chain-relaxation}. */
  public String id() {
    return id;
  }

  /** The exception a backend throws when asked for this capability it does not offer. */
  public UnsupportedOperationException unsupported(String backend) {
    return new UnsupportedOperationException(
        "backend " + backend + " does not support " + id + " (see Backend.capabilities())");
  }
}
