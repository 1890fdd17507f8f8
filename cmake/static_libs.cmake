# Libraries each used by one command family (the sandbox's seccomp, ADD of git, signing, serve, the
# mirror's YAML) are linked from their Debian static archives. As shared objects they were loaded,
# relocated and initialised at every start of hoist whatever the command: `hoist --version` took
# 10.1 ms and 14 MiB RSS with them shared, 7.4 ms and 13 MiB with them static. Their own
# dependencies stay shared (libssh2, pcre2, zlib, gnutls are loaded by libcurl or the C library anyway).
#
# hoist_static_library(NAME ARCHIVES a... [SHARED s...]): an INTERFACE target hoist::NAME linking
# lib<a>.a for each archive (in order) and the shared libraries s (a file name like libx.so.2 where
# Debian ships no unversioned link).
find_package(Threads REQUIRED)
function(hoist_static_library name)
  cmake_parse_arguments(S "" "" "ARCHIVES;SHARED" ${ARGN})
  set(libs)
  foreach(a ${S_ARCHIVES})
    find_library(HOIST_ARCHIVE_${a} NAMES lib${a}.a REQUIRED)
    list(APPEND libs ${HOIST_ARCHIVE_${a}})
  endforeach()
  foreach(s ${S_SHARED})
    string(MAKE_C_IDENTIFIER "${s}" id)
    find_library(HOIST_SHARED_${id} NAMES ${s} REQUIRED)
    list(APPEND libs ${HOIST_SHARED_${id}})
  endforeach()
  add_library(hoist::${name} INTERFACE IMPORTED GLOBAL)
  target_link_libraries(hoist::${name} INTERFACE ${libs} Threads::Threads)
endfunction()

hoist_static_library(seccomp ARCHIVES seccomp)
# libgit2's Negotiate auth needs GSSAPI, which its pkg-config file leaves out.
hoist_static_library(git2 ARCHIVES git2 mbedtls mbedx509 mbedcrypto http_parser
                     SHARED ssh2 pcre2-8 z rt libgssapi_krb5.so.2)
hoist_static_library(sodium ARCHIVES sodium)
hoist_static_library(microhttpd ARCHIVES microhttpd SHARED gnutls)
hoist_static_library(crypt ARCHIVES crypt)
hoist_static_library(yaml-cpp ARCHIVES yaml-cpp)
