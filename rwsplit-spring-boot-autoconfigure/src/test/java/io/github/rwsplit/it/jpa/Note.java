package io.github.rwsplit.it.jpa;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A row written through JPA.
 */
@Entity
@Table(name = "jpa_note")
public class Note {

	@Id
	private String id;

	private String text;

	protected Note() {
	}

	public Note(String id, String text) {
		this.id = id;
		this.text = text;
	}

	public String getId() {
		return this.id;
	}

	public String getText() {
		return this.text;
	}

}
