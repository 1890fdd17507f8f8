# What `cmake --install` and the Debian package (CPack's DEB generator, scripts/package) hold:
# the hoist binary, bash and zsh completions and man pages. The completions and man pages are
# generated from the built binary's --help by scripts/gen-docs (target hoist_docs), so they always
# match its commands and flags.
include(GNUInstallDirs)

set(HOIST_DOCS_DIR ${CMAKE_BINARY_DIR}/docs)
add_custom_command(
  OUTPUT ${HOIST_DOCS_DIR}/stamp
  COMMAND ${CMAKE_COMMAND} -E rm -rf ${HOIST_DOCS_DIR}/completions ${HOIST_DOCS_DIR}/man
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/gen-docs $<TARGET_FILE:hoist> ${HOIST_DOCS_DIR}
  COMMAND ${CMAKE_COMMAND} -E touch ${HOIST_DOCS_DIR}/stamp
  DEPENDS hoist ${CMAKE_SOURCE_DIR}/scripts/gen-docs
  COMMENT "Generating completions and man pages from hoist --help")
# Not part of ALL: `ninja hoist` stays quick; scripts/package builds it.
add_custom_target(hoist_docs DEPENDS ${HOIST_DOCS_DIR}/stamp)

install(TARGETS hoist RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${HOIST_DOCS_DIR}/completions/hoist DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        OPTIONAL)
install(FILES ${HOIST_DOCS_DIR}/completions/_hoist DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions
        OPTIONAL)
install(DIRECTORY ${HOIST_DOCS_DIR}/man/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 OPTIONAL
        FILES_MATCHING PATTERN "*.1.gz")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME hoist)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "hoist")
set(CPACK_PACKAGE_CONTACT "hoist maintainers <hoist@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "fast, verifying OCI registry client and image toolkit")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
       "One binary that pulls, pushes and copies images between registries, OCI layouts, archives and a\n"
       "local store, builds Dockerfiles without a daemon, and signs and verifies images (cosign).")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # hoist_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # runtime libraries found by dpkg-shlibdeps (dpkg-dev)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "bash-completion")
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/package)
include(CPack)
