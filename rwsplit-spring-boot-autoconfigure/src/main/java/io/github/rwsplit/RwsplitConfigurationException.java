package io.github.rwsplit;

/**
 * rwsplit's configuration cannot work. Names the property, the offending value (with credentials
 * removed) and what to do; rwsplit's failure analyzer turns it into Spring Boot's start-up failure
 * report.
 */
public class RwsplitConfigurationException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String property;

	private final String action;

	/**
	 * Creates the exception.
	 * @param property the property at fault, such as {@code rwsplit.primary.url}
	 * @param problem what is wrong, naming the value where there is one
	 * @param action what to change
	 */
	public RwsplitConfigurationException(String property, String problem, String action) {
		super(property + ": " + problem);
		this.property = property;
		this.action = action;
	}

	/** @return the property at fault */
	public String getProperty() {
		return this.property;
	}

	/** @return what to change */
	public String getAction() {
		return this.action;
	}

}
