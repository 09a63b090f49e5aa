package io.github.rwsplit.it.jpa;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface NoteRepository extends JpaRepository<Note, String> {

	@Query(value = "SELECT @@server_id", nativeQuery = true)
	long serverId();

}
