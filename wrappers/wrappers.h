// wrappers: the entry point of each drop-in, dispatched on argv[0] by main.cc.
#pragma once

int install_main(int argc, char** argv);
int mkdir_main(int argc, char** argv);
int ln_main(int argc, char** argv);
int chmod_main(int argc, char** argv);
int chown_main(int argc, char** argv);
int chgrp_main(int argc, char** argv);
int install_info_main(int argc, char** argv);
