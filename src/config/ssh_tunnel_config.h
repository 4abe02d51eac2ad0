#pragma once
/// The `ssh_tunnel` section of a config file (docs/configuration.md, "SSH tunnel"): the bastion
/// every MySQL connection of the job goes through. Read by parse_source_config into
/// `mysql::ConnectOptions::ssh_tunnel`. The passphrase never appears in a message.

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mysql/connection.h"

namespace sluice::config {

/// Validates `section` (the value of `ssh_tunnel`); each problem is one line appended to
/// `problems` ("<origin>: 'ssh_tunnel.<key>' ..."), a near-miss key name one line to `warnings`.
/// nullopt when there were problems.
std::optional<mysql::SshTunnelOptions> parse_ssh_tunnel(const nlohmann::json& section,
                                                        std::string_view origin,
                                                        std::vector<std::string>& problems,
                                                        std::vector<std::string>& warnings);

}  // namespace sluice::config
