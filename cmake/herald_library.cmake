# herald_library(<module> <sources...>): the library target herald_<module> for lib/<module>/.
# Its include/ folder is its public API, installed as is; in-tree users and embedders
# (add_subdirectory, FetchContent) can name it herald::<module>, as find_package(herald)
# users do.
function(herald_library module)
  set(target herald_${module})
  add_library(${target} ${ARGN})
  add_library(herald::${module} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${module})
  # Every public header is C++20: whoever includes one compiles as C++20 too.
  target_compile_features(${target} PUBLIC cxx_std_20)
  file(GLOB_RECURSE headers CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/include/*.hpp)
  target_sources(${target} PUBLIC
    FILE_SET HEADERS BASE_DIRS ${CMAKE_CURRENT_SOURCE_DIR}/include FILES ${headers})
endfunction()
