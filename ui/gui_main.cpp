#include "ui/gui_main.hpp"
#include <cstdio>
namespace mc::ui {
int runGui(int, char**) {
    std::fputs("the desktop program is not built yet; use `microcircuit run`\n", stderr);
    return 1;
}
}
