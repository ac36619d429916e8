int ln_main(int, char**) { return 1; }
