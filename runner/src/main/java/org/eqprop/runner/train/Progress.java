package org.eqprop.runner.train;

/**
 * Where a run stands, exactly enough to continue it: the position in training, the partial sums of
 * the epoch in progress, and the states of the two random streams.
 *
 * @param completedEpochs epochs finished (evaluated and recorded)
 * @param nextBatch the next minibatch of epoch {@code completedEpochs + 1} (0 at an epoch boundary)
 * @param epochErrors free-phase errors so far in the epoch in progress
 * @param epochEnergy summed free-phase energy so far in the epoch in progress
 * @param epochSeconds training seconds so far in the epoch in progress
 * @param epochFreeSteps free-phase steps summed over the minibatches so far in the epoch in progress
 * @param shuffleState the shuffling stream's state before the epoch in progress was shuffled
 * @param learnerState the learner stream's state (the sign of beta)
 */
public record Progress(
    int completedEpochs,
    int nextBatch,
    long epochErrors,
    double epochEnergy,
    double epochSeconds,
    long epochFreeSteps,
    long shuffleState,
    long learnerState) {}
