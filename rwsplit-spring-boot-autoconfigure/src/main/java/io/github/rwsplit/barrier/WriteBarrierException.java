package io.github.rwsplit.barrier;

/**
 * A write barrier was not met. The write itself <em>has committed</em> on the primary: retrying
 * the work would write it twice. What is unknown is only whether the replicas have it yet.
 */
public class WriteBarrierException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final transient BarrierResult result;

	/**
	 * Creates the exception.
	 * @param result how the barrier ended
	 */
	public WriteBarrierException(BarrierResult result) {
		super(result.describe());
		this.result = result;
	}

	/** @return how the barrier ended: what committed, which replicas have it and which do not */
	public BarrierResult getResult() {
		return this.result;
	}

}
