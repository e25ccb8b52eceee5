// Colours, fonts and marker sizes for the raster, the charts and the figures.
// Two palettes (the reference's, and a colour-blind-safe one) and a
// presentation mode for projectors (large fonts, thick markers, high contrast).
#pragma once

#include "microcircuit/params.hpp"

#include <QColor>
#include <QFont>

namespace mc::ui {

struct Theme {
    bool presentation = false;
    bool colourBlindSafe = false;

    /// Excitatory / inhibitory colours: the reference's #595289 / #af143c, or
    /// Okabe-Ito blue #0072b2 / orange #e69f00 (distinguishable with any colour vision).
    QColor excitatory() const { return colourBlindSafe ? QColor(0x00, 0x72, 0xb2) : QColor(0x59, 0x52, 0x89); }
    QColor inhibitory() const { return colourBlindSafe ? QColor(0xe6, 0x9f, 0x00) : QColor(0xaf, 0x14, 0x3c); }
    QColor population(int pop) const { return isExcitatory(pop) ? excitatory() : inhibitory(); }
    /// Line colour of a population in the charts (on screen and exported):
    /// one hue per layer, from the Okabe-Ito set (told apart with any colour
    /// vision); E dark and drawn solid, I light and drawn dashed. The raster
    /// keeps the E/I colours above.
    static QColor populationLine(int pop) {
        static constexpr QRgb dark[] = {0x0072b2, 0x007a58, 0xc24f00, 0x9c3f7c}; // L2/3, L4, L5, L6
        static constexpr QRgb light[] = {0x56b4e9, 0x3fcfa0, 0xf0a040, 0xe39cc8};
        return QColor::fromRgb(isExcitatory(pop) ? dark[pop / 2] : light[pop / 2]);
    }
    QColor background() const { return Qt::white; }
    QColor text() const { return presentation ? Qt::black : QColor(0x20, 0x20, 0x20); }
    QColor separator() const { return presentation ? QColor(0x90, 0x90, 0x90) : QColor(0xc8, 0xc8, 0xc8); }
    QColor marker() const { return QColor(0x10, 0x80, 0x30); }
    /// Raster marker size in device-independent pixels.
    float pointSize() const { return presentation ? 3.0f : 1.6f; }
    double fontScale() const { return presentation ? 1.6 : 1.0; }
    QFont font(double basePt = 10.0, bool bold = false) const {
        QFont f;
        f.setPointSizeF(basePt * fontScale());
        f.setBold(bold || presentation);
        return f;
    }
};

/// Layer label ("L2/3", "L4", "L5", "L6") of a population.
inline const char* layerName(int pop) {
    static constexpr const char* names[] = {"L2/3", "L4", "L5", "L6"};
    return names[pop / 2];
}

} // namespace mc::ui
