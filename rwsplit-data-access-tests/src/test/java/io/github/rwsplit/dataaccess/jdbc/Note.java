package io.github.rwsplit.dataaccess.jdbc;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A Spring Data JDBC aggregate: a note whose id the primary's AUTO_INCREMENT assigns.
 */
@Table("data_jdbc_note")
public class Note {

	@Id
	private Long id;

	private String text;

	public Note() {
	}

	public Note(String text) {
		this.text = text;
	}

	public Long getId() {
		return this.id;
	}

	public void setId(Long id) {
		this.id = id;
	}

	public String getText() {
		return this.text;
	}

	public void setText(String text) {
		this.text = text;
	}

}
