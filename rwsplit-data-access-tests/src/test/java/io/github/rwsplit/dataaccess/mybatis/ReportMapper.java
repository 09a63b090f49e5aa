package io.github.rwsplit.dataaccess.mybatis;

import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Select;

import io.github.rwsplit.annotation.Primary;
import io.github.rwsplit.annotation.ReadReplica;

/**
 * A MyBatis mapper annotated as a whole: every method reads from a replica unless it says otherwise.
 */
@Mapper
@ReadReplica
public interface ReportMapper {

	@Select("SELECT @@server_id")
	long serverId();

	@Primary
	@Select("SELECT @@server_id")
	long serverIdOnPrimary();

}
