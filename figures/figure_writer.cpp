#include "figures/figure_writer.hpp"

#include "microcircuit/errors.hpp"
#include "microcircuit/file_write.hpp"

#include <QBuffer>
#include <QFileInfo>
#include <QGuiApplication>
#include <QImage>
#include <QPageSize>
#include <QPdfWriter>
#include <QSvgGenerator>

#include <cstdio>
#include <filesystem>

namespace mc::figures {

namespace {

QtMessageHandler g_previousHandler = nullptr;

/// Drops Qt's note that XDG_RUNTIME_DIR is unset (normal for headless runs,
/// and meaningless to a user of `microcircuit run`); passes on the rest.
void quietHandler(QtMsgType type, const QMessageLogContext& context, const QString& message) {
    if (message.startsWith("QStandardPaths: XDG_RUNTIME_DIR not set")) return;
    if (g_previousHandler)
        g_previousHandler(type, context, message);
    else if (type != QtDebugMsg && type != QtInfoMsg)
        std::fprintf(stderr, "%s\n", qPrintable(message));
}

} // namespace

void ensureGuiApplication() {
    if (QCoreApplication::instance()) {
        // Text needs the GUI part of Qt; a plain QCoreApplication cannot paint it.
        if (!qobject_cast<QGuiApplication*>(QCoreApplication::instance()))
            throw InternalError("figures need a QGuiApplication, but a QCoreApplication is running");
        return;
    }
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    g_previousHandler = qInstallMessageHandler(quietHandler);
    // Lives until the process ends: Qt keeps pointers to argc/argv.
    static int argc = 1;
    static char name[] = "microcircuit";
    static char* argv[] = {name, nullptr};
    static QGuiApplication* app = new QGuiApplication(argc, argv);
    (void)app;
}

namespace {

void paintOn(QPaintDevice& device, QSize sizePx, const PaintFunction& paint, const std::string& path) {
    QPainter painter;
    if (!painter.begin(&device)) throw ConfigError(path + ": cannot be written (painter failed to open it)");
    const QRectF rect(0, 0, sizePx.width(), sizePx.height());
    painter.fillRect(rect, Qt::white);
    paint(painter, rect);
    painter.end();
}

} // namespace

void writeFigure(const std::string& path, QSize sizePx, const PaintFunction& paint, int dpi) {
    ensureGuiApplication();
    const std::string ext = std::filesystem::path(path).extension().string();
    const QString title = QFileInfo(QString::fromStdString(path)).baseName();
    // Drawn in memory, then written with checked writes through a ".part"
    // file: a figure on disk is always whole.
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    if (ext == ".png") {
        QImage image(sizePx, QImage::Format_ARGB32_Premultiplied);
        image.setDotsPerMeterX(static_cast<int>(dpi / 0.0254));
        image.setDotsPerMeterY(static_cast<int>(dpi / 0.0254));
        paintOn(image, sizePx, paint, path);
        if (!image.save(&buffer, "PNG")) throw InternalError(path + ": PNG encoding failed");
    } else if (ext == ".svg") {
        QSvgGenerator svg;
        svg.setOutputDevice(&buffer);
        svg.setSize(sizePx);
        svg.setViewBox(QRect(QPoint(0, 0), sizePx));
        svg.setResolution(dpi);
        svg.setTitle(title);
        svg.setDescription("microcircuit figure");
        paintOn(svg, sizePx, paint, path);
    } else if (ext == ".pdf") {
        QPdfWriter pdf(&buffer);
        pdf.setResolution(dpi);
        pdf.setPageSize(
            QPageSize(QSizeF(double(sizePx.width()) / dpi, double(sizePx.height()) / dpi), QPageSize::Inch));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setTitle(title);
        pdf.setCreator("microcircuit");
        paintOn(pdf, sizePx, paint, path);
    } else {
        throw ConfigError(path + ": unknown figure format '" + ext + "' (use .png, .svg or .pdf)");
    }
    const QByteArray& bytes = buffer.data();
    try {
        writeFileAtomic(path, std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())));
    } catch (const WriteError&) {
        // No figure rather than an older one of the same name beside new data.
        std::error_code ec;
        std::filesystem::remove(path, ec);
        throw;
    }
}

} // namespace mc::figures
