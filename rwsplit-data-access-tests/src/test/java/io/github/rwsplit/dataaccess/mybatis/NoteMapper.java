package io.github.rwsplit.dataaccess.mybatis;

import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;

import org.springframework.transaction.annotation.Transactional;

import io.github.rwsplit.annotation.Primary;
import io.github.rwsplit.annotation.ReadReplica;

/**
 * A MyBatis mapper whose methods carry the routing annotations themselves: MyBatis implements it
 * with a JDK proxy, and Spring wraps that in its own.
 */
@Mapper
public interface NoteMapper {

	/** The row, if any, and the server that answered, in one statement: a server without the row still answers. */
	String READ = "SELECT (SELECT text FROM mybatis_note WHERE id = #{id}) AS text, "
			+ "(SELECT origin FROM mybatis_note WHERE id = #{id}) AS origin, @@server_id AS serverId";

	@Insert("INSERT INTO mybatis_note (id, text, origin) VALUES (#{id}, #{text}, @@server_id)")
	int insert(@Param("id") String id, @Param("text") String text);

	@Transactional
	@Insert("INSERT INTO mybatis_note (id, text, origin) VALUES (#{id}, #{text}, @@server_id)")
	int insertInTransaction(@Param("id") String id, @Param("text") String text);

	@Select(READ)
	NoteRow read(String id);

	@ReadReplica
	@Select(READ)
	NoteRow readOnReplica(String id);

	@Transactional(readOnly = true)
	@Select(READ)
	NoteRow readInReadOnlyTransaction(String id);

	@ReadReplica
	@Transactional
	@Select(READ)
	NoteRow readOnReplicaInReadWriteTransaction(String id);

	@Primary
	@Transactional(readOnly = true)
	@Select(READ)
	NoteRow readOnPrimaryInReadOnlyTransaction(String id);

	@Select("SELECT @@server_id")
	long serverId();

}
