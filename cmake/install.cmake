# `cmake --install`: bin/herald, the public headers and static libraries of the modules an
# embedder links, and two ways to find them: lib/cmake/herald/heraldConfig.cmake (targets
# herald::client, herald::sse, herald::server and what they link) and lib/pkgconfig/herald.pc.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# The modules behind herald::client, herald::sse and herald::server, in link order.
set(herald_installed_libraries
  herald_server herald_cluster herald_store herald_auth herald_hub herald_match herald_client herald_sse
  herald_http herald_wire herald_base)

install(TARGETS herald RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
install(TARGETS ${herald_installed_libraries}
  EXPORT heraldTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
  FILE_SET HEADERS DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

set(herald_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/herald)
install(EXPORT heraldTargets
  NAMESPACE herald::
  DESTINATION ${herald_cmake_dir}
  COMPONENT dev)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/heraldConfig.cmake.in
  ${PROJECT_BINARY_DIR}/heraldConfig.cmake
  INSTALL_DESTINATION ${herald_cmake_dir})
# 0.x: a minor version may break the API, so only the same minor version is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/heraldConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/heraldConfig.cmake ${PROJECT_BINARY_DIR}/heraldConfigVersion.cmake
  DESTINATION ${herald_cmake_dir}
  COMPONENT dev)

# herald.pc names every library in link order (static libraries do not pull each other in).
list(TRANSFORM herald_installed_libraries PREPEND "-l" OUTPUT_VARIABLE herald_pc_libs)
list(JOIN herald_pc_libs " " herald_pc_libs)
file(RELATIVE_PATH herald_pc_to_prefix /${CMAKE_INSTALL_LIBDIR}/pkgconfig /)
string(REGEX REPLACE "/$" "" herald_pc_to_prefix ${herald_pc_to_prefix})
configure_file(${CMAKE_CURRENT_LIST_DIR}/herald.pc.in ${PROJECT_BINARY_DIR}/herald.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/herald.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
  COMPONENT dev)
