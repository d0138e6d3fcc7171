# Fails when docs/models.md differs from what `ntsim docs` writes from the model files now, so the
# reference can never silently drift from the JSON. Run by ctest (models_doc_is_current) as
#   cmake -DNTSIM=<ntsim binary> -DARGS=<docs arguments> -DSOURCE_DIR=<repository> -DOUTPUT=<scratch file> -P check_models_doc.cmake
execute_process(COMMAND ${NTSIM} ${ARGS} -o ${OUTPUT}
                WORKING_DIRECTORY ${SOURCE_DIR} RESULT_VARIABLE status ERROR_VARIABLE errors)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "ntsim ${ARGS} failed (exit ${status}):\n${errors}")
endif()

execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${SOURCE_DIR}/docs/models.md ${OUTPUT} RESULT_VARIABLE different)
if(different)
  string(REPLACE ";" " " shown_args "${ARGS}")
  set(difference "")
  find_program(DIFF_PROGRAM diff)
  if(DIFF_PROGRAM)
    execute_process(COMMAND ${DIFF_PROGRAM} -u ${SOURCE_DIR}/docs/models.md ${OUTPUT} OUTPUT_VARIABLE difference)
    string(SUBSTRING "${difference}" 0 4000 difference)
  endif()
  message(FATAL_ERROR "docs/models.md is stale: it no longer matches the model files. Regenerate it with\n"
                      "  cd ${SOURCE_DIR} && ${NTSIM} ${shown_args} -o docs/models.md\n"
                      "(or `make models_doc` in the build directory) and commit the result.\n${difference}")
endif()
