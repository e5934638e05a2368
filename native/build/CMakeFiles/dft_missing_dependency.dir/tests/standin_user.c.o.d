CMakeFiles/dft_missing_dependency.dir/tests/standin_user.c.o: \
 /work/main/native/tests/standin_user.c /usr/include/stdc-predef.h
