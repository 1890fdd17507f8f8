#pragma once
// `--change` for `hoist import` (and later `commit`): Dockerfile instructions that edit an image
// config without running anything, as `docker import --change` takes them: CMD, ENTRYPOINT, ENV,
// EXPOSE, LABEL, USER, WORKDIR, VOLUME, STOPSIGNAL. CMD/ENTRYPOINT/VOLUME take the JSON form
// (["a","b"]) or the shell form (CMD echo hi → ["/bin/sh","-c","echo hi"]); ENV and LABEL take
// KEY=VALUE pairs (quotes allowed) or ENV's old "KEY value" form.

#include <string>

#include "core/error.h"
#include "core/image_config.h"

namespace hoist::store {

Status ApplyConfigChange(ContainerConfig& config, const std::string& change);

}  // namespace hoist::store
