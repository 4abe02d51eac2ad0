// The schema a PostgreSQL destination writes to (its options are typed by config::PostgresSettings).
#include "sinks/postgres/pg_ddl.h"
#include "sinks/postgres/postgres_sink.h"

namespace sluice::sinks {

std::string destination_schema(const std::string& schema, const std::string& integration_name) {
  std::string name =
      schema.empty() && !integration_name.empty() ? pg::schema_name_for(integration_name) : schema;
  return pg::pg_identifier(name);  // PostgreSQL would cut a longer name silently
}

}  // namespace sluice::sinks
