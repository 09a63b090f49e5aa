package io.github.rwsplit.dataaccess.mybatis;

/**
 * A note as a MyBatis query read it, with the server that answered the query.
 */
public class NoteRow {

	/** The note's text, or {@code null} when the server that answered has no such row. */
	private String text;

	/** The server that wrote the note. */
	private Long origin;

	/** The server that answered. */
	private long serverId;

	public String getText() {
		return this.text;
	}

	public void setText(String text) {
		this.text = text;
	}

	public Long getOrigin() {
		return this.origin;
	}

	public void setOrigin(Long origin) {
		this.origin = origin;
	}

	public long getServerId() {
		return this.serverId;
	}

	public void setServerId(long serverId) {
		this.serverId = serverId;
	}

	@Override
	public String toString() {
		return "NoteRow[text=" + this.text + ", origin=" + this.origin + ", serverId=" + this.serverId + "]";
	}

}
