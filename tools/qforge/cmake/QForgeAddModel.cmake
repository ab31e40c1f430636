# qforge_add_model(<target> MODEL <model.onnx>
#                  [PRECISION fp32|int8|int4|int8-dynamic]
#                  [CALIB_DATA <x.npy>... | CALIB_TABLE <table.json>]
#                  [TARGET <qforge target>] [THREADS <n>] [NAME <symbol>]
#                  [INPUT_SHAPE <name:dims>...] [SCRATCH model|caller]
#                  [OPTIONS <more qforge compile flags>...])
#
# Compiles an ONNX model ahead of time with qforge into a static library
# target <target> whose generated header (<NAME>.h) is on its include path,
# with qforge/model.hpp beside it. qforge runs again when the model, the
# calibration data or table, qforge itself or the flags change, and not
# otherwise. TARGET defaults to `host` when building for the machine that
# builds, and to the architecture's baseline (`aarch64`, `x86_64`) when
# cross-compiling (CMAKE_CROSSCOMPILING). NAME defaults to <target>.
# docs/c-api.md and README.md describe the result.
function(qforge_add_model target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG ""
    "MODEL;PRECISION;CALIB_TABLE;TARGET;THREADS;NAME;SCRATCH"
    "CALIB_DATA;INPUT_SHAPE;OPTIONS")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "qforge_add_model(${target}): unknown arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_MODEL)
    message(FATAL_ERROR "qforge_add_model(${target}): MODEL <file.onnx> is required")
  endif()
  if(ARG_CALIB_DATA AND ARG_CALIB_TABLE)
    message(FATAL_ERROR "qforge_add_model(${target}): give CALIB_DATA or CALIB_TABLE, not both")
  endif()
  if(NOT ARG_PRECISION)
    set(ARG_PRECISION fp32)
  endif()
  if(ARG_PRECISION MATCHES "^int(8|4)$" AND NOT ARG_CALIB_DATA AND NOT ARG_CALIB_TABLE)
    message(FATAL_ERROR "qforge_add_model(${target}): PRECISION ${ARG_PRECISION} needs CALIB_DATA or CALIB_TABLE")
  endif()
  if(NOT ARG_NAME)
    set(ARG_NAME ${target})
  endif()
  if(NOT ARG_TARGET)
    _qforge_default_target(ARG_TARGET)
  endif()

  get_filename_component(model "${ARG_MODEL}" ABSOLUTE)
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/qforge/${target}")
  set(object "${dir}/${ARG_NAME}.o")
  set(header "${dir}/${ARG_NAME}.h")
  set(inputs_args)
  foreach(shape IN LISTS ARG_INPUT_SHAPE)
    list(APPEND inputs_args "--input-shape=${shape}")
  endforeach()

  set(compile_args "--precision=${ARG_PRECISION}" "--target=${ARG_TARGET}"
                   "--name=${ARG_NAME}" ${inputs_args})
  if(DEFINED ARG_THREADS)
    list(APPEND compile_args "--threads=${ARG_THREADS}")
  endif()
  if(ARG_SCRATCH)
    list(APPEND compile_args "--scratch=${ARG_SCRATCH}")
  endif()
  list(APPEND compile_args ${ARG_OPTIONS})

  set(table_depends)
  if(ARG_CALIB_DATA)
    set(table "${dir}/${ARG_NAME}.calib.json")
    set(calib_data)
    foreach(file IN LISTS ARG_CALIB_DATA)
      get_filename_component(file "${file}" ABSOLUTE)
      list(APPEND calib_data "--calib-data=${file}")
      list(APPEND table_depends "${file}")
    endforeach()
    add_custom_command(
      OUTPUT "${table}"
      COMMAND qforge::qforge calibrate "${model}" ${calib_data} ${inputs_args}
              -o "${table}" --quiet
      DEPENDS "${model}" ${table_depends} "${QFORGE_EXECUTABLE}"
      COMMENT "qforge: calibrating ${ARG_NAME} on ${ARG_CALIB_DATA}"
      VERBATIM)
    list(APPEND compile_args "--calib-table=${table}")
    set(table_depends "${table}")
  elseif(ARG_CALIB_TABLE)
    get_filename_component(table "${ARG_CALIB_TABLE}" ABSOLUTE)
    list(APPEND compile_args "--calib-table=${table}")
    set(table_depends "${table}")
  endif()

  # A file that changes only when the flags do: every generator re-runs
  # qforge on a flag change (Ninja alone would see the command change).
  set(flags_file "${dir}/${ARG_NAME}.flags")
  file(CONFIGURE OUTPUT "${flags_file}" CONTENT "${compile_args}\n" @ONLY)

  add_custom_command(
    OUTPUT "${object}" "${header}"
    COMMAND qforge::qforge compile "${model}" ${compile_args} --emit=obj
            -o "${object}" --quiet
    DEPENDS "${model}" ${table_depends} "${flags_file}" "${QFORGE_EXECUTABLE}"
    COMMENT "qforge: compiling ${ARG_NAME} (${ARG_PRECISION}, ${ARG_TARGET})"
    VERBATIM)

  add_library(${target} STATIC "${object}" "${header}")
  set_source_files_properties("${object}" PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)
  set_target_properties(${target} PROPERTIES LINKER_LANGUAGE C)
  target_include_directories(${target} PUBLIC "${dir}")
  target_link_libraries(${target} PUBLIC qforge::headers Threads::Threads m)
endfunction()

# The qforge --target for the platform being built for.
function(_qforge_default_target out)
  if(NOT CMAKE_CROSSCOMPILING)
    set(${out} host PARENT_SCOPE)
  elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
    set(${out} aarch64 PARENT_SCOPE)
  elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
    set(${out} x86_64 PARENT_SCOPE)
  else()
    message(FATAL_ERROR "qforge_add_model: no qforge target for CMAKE_SYSTEM_PROCESSOR "
                        "'${CMAKE_SYSTEM_PROCESSOR}'; pass TARGET")
  endif()
endfunction()
