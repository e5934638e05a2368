CMakeFiles/dft_missing_dependency_standin.dir/tests/standin.c.o: \
 /work/main/native/tests/standin.c /usr/include/stdc-predef.h
