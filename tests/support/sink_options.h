#pragma once
/// Avro and PostgreSQL sinks opened directly from a destination section, parsed as `sluice sync`
/// parses it (config::parse_destination, then job's typed sink options).

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "config/destination.h"
#include "job/sink_factory.h"
#include "sinks/avro/avro_sink.h"
#include "sinks/postgres/postgres_sink.h"

namespace sluice::test {

/// `section` with its "type" set to `type`, parsed from its text as a config file's would be
/// (so 4000 is an unsigned number, as JSON text gives it).
inline core::Result<config::DestinationConfig> destination_of(const std::string& type,
                                                              nlohmann::json section) {
  if (section.is_object()) section["type"] = type;
  return config::parse_destination(nlohmann::json::parse(section.dump()), "test destination");
}

inline core::Result<std::unique_ptr<sinks::Sink>> make_avro_sink(const nlohmann::json& section) {
  auto d = destination_of("avro", section);
  if (!d) return core::fail(d.error());
  auto sink = sinks::AvroSink::open(job::avro_sink_options(*d));
  if (!sink) return core::fail(sink.error());
  return std::unique_ptr<sinks::Sink>(std::move(*sink));
}

inline core::Result<sinks::PostgresSinkOptions> postgres_options(const nlohmann::json& section) {
  auto d = destination_of("postgres", section);
  if (!d) return core::fail(d.error());
  return job::postgres_sink_options(d->postgres);
}

inline core::Result<std::unique_ptr<sinks::Sink>> make_postgres_sink(const nlohmann::json& section) {
  auto o = postgres_options(section);
  if (!o) return core::fail(o.error());
  auto sink = sinks::PostgresSink::open(std::move(*o));
  if (!sink) return core::fail(sink.error());
  return std::unique_ptr<sinks::Sink>(std::move(*sink));
}

}  // namespace sluice::test
