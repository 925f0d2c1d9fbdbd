# Writes OUT: a C++ source holding every file of FILES (the SOP library, docs/sop/*.json) as a
# string, so `pond demo` can turn the library on without the source tree at hand.
file(WRITE ${OUT} "// Generated from docs/sop/*.json by embed_sop.cmake; do not edit.\n")
file(APPEND ${OUT} "#include \"pond/journey/sop_library.h\"\n\nnamespace pond {\n\n")
file(APPEND ${OUT} "std::span<const SopFile> SopLibrary() {\n  static const SopFile kFiles[] = {\n")
string(REPLACE "|" ";" FILE_LIST "${FILES}")
foreach(f ${FILE_LIST})
  get_filename_component(name ${f} NAME)
  file(READ ${f} content)
  file(APPEND ${OUT} "      {\"${name}\", R\"SOP(${content})SOP\"},\n")
endforeach()
file(APPEND ${OUT} "  };\n  return kFiles;\n}\n\n}  // namespace pond\n")
