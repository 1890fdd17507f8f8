#pragma once
// Capabilities of the sandboxed command (container/sandbox.h): docker's default set unless
// --cap-add/--cap-drop/--privileged say otherwise. Parsing runs in the parent; the Apply* calls
// only make system calls, for the forked child.

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"

namespace hoist::container {

// A set of capabilities, bit N for capability number N (CAP_CHOWN = 0 … CAP_CHECKPOINT_RESTORE = 40).
using CapabilitySet = uint64_t;

constexpr CapabilitySet CapBit(int cap) { return CapabilitySet{1} << cap; }

// docker's default set (moby oci/caps/defaults.go): CHOWN, DAC_OVERRIDE, FSETID, FOWNER, MKNOD,
// NET_RAW, SETGID, SETUID, SETFCAP, SETPCAP, NET_BIND_SERVICE, SYS_CHROOT, KILL, AUDIT_WRITE.
extern const CapabilitySet kDefaultCapabilities;
// Every capability hoist knows by name (what --cap-add ALL and --privileged mean).
extern const CapabilitySet kAllCapabilities;

// The capability named `name` as docker spells it: NET_ADMIN, CAP_NET_ADMIN, net_admin; -1 if
// unknown ("ALL" is not a single capability: see ApplyCapabilityFlags).
int CapabilityByName(const std::string& name);
// "CAP_NET_ADMIN" for 12; "CAP_<n>" for a number without a name.
std::string CapabilityName(int cap);

// docker's rule for --cap-add/--cap-drop over `base`: ALL in the adds means every capability but
// the dropped ones; ALL in the drops means only the added ones; otherwise base − drops + adds.
// An unknown name is an error naming it.
Result<CapabilitySet> ApplyCapabilityFlags(CapabilitySet base, const std::vector<std::string>& add,
                                           const std::vector<std::string>& drop);

// In the child, while still root in its namespace: removes everything outside `keep` from the
// bounding set and clears the ambient set. "" on success, else what failed.
std::string DropBoundingCapabilities(CapabilitySet keep);
// In the child, after its setuid: effective and permitted become `keep` (intersected with what the
// process still has: a non-root user has nothing left), inheritable becomes empty (as docker
// since 20.10.14, CVE-2022-24769). "" on success, else what failed.
std::string LimitCapabilities(CapabilitySet keep);

}  // namespace hoist::container
