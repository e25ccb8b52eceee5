// File → Export → For NEST…: the configuration the window runs now (live
// changes included) as the reference PyNEST package's dictionaries and run
// scripts (mc::exportForNestFolder, as `microcircuit export-nest` writes
// them): written beside its place and renamed into it, so an earlier export
// in it is replaced whole, never mixed with new files.
#include "ui/main_window.hpp"

#include "ui/sim_controller.hpp"

#include "microcircuit/nest_export.hpp"
#include "microcircuit/run_target.hpp"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>

namespace mc::ui {
namespace {

/// What in `folder` is neither an export's file nor a run file.
QStringList foreignFiles(const QString& folder) {
    QStringList foreign;
    const QDir dir(folder);
    for (const QFileInfo& f : dir.entryInfoList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System)) {
        bool own = f.isFile() && isRunFileName(f.fileName().toStdString());
        for (const char* s : kNestExportScripts) own = own || (f.isFile() && f.fileName() == s);
        if (!own) foreign << (f.isDir() ? f.fileName() + "/" : f.fileName());
    }
    return foreign;
}

} // namespace

bool MainWindow::exportForNestTo(const QString& folder, bool replace) {
    const Config config = m_controller->configNow();
    const QFileInfo info(folder);
    if (info.exists() && !info.isDir()) {
        showMessage(true, "Could not export for NEST", folder + " exists and is not a folder.");
        return false;
    }
    const bool holdsFiles = info.isDir() && !QDir(folder).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
    if (holdsFiles) {
        const QStringList foreign = foreignFiles(folder);
        if (!foreign.isEmpty()) {
            showMessage(true, "Could not export for NEST",
                        QString("%1 holds files that are not part of an export (%2). An export replaces the whole "
                                "folder, so choose a new or empty folder, or move those files away.")
                            .arg(QDir::toNativeSeparators(folder), foreign.mid(0, 4).join(", ") +
                                                                       (foreign.size() > 4 ? ", ..." : "")));
            return false;
        }
        if (!replace) {
            showMessage(true, "Could not export for NEST",
                        QDir::toNativeSeparators(folder) + " holds an earlier export; it was left as it is.");
            return false;
        }
    }
    NestExport out;
    try {
        out = exportForNestFolder(config, folder.toStdString(), replace);
    } catch (const std::exception& e) {
        showMessage(true, "Could not export for NEST", QString::fromStdString(e.what()));
        return false;
    }
    QStringList names;
    for (const std::string& f : out.files) names << QString::fromStdString(f);
    QString text = QString("Wrote %1: %2.\n\nRun it with NEST:  cd %1 && python3 run_microcircuit.py")
                       .arg(QDir::toNativeSeparators(folder), names.join(", "));
    if (!out.warnings.empty()) {
        text += "\n\nNEST will NOT do these (also in README.txt):";
        for (const std::string& w : out.warnings) text += "\n  • " + QString::fromStdString(w);
    }
    if (!out.notes.empty()) {
        text += "\n\nFolded in or applied by run_microcircuit.py:";
        for (const std::string& n : out.notes) text += "\n  • " + QString::fromStdString(n);
    }
    m_lastNestWarnings.clear();
    for (const std::string& w : out.warnings) m_lastNestWarnings << QString::fromStdString(w);
    showMessage(!out.warnings.empty(), out.warnings.empty() ? "Exported for NEST" : "Exported for NEST, with warnings",
                text);
    return true;
}

void MainWindow::exportForNestAsked() {
    const QString folder = QFileDialog::getExistingDirectory(
        this, "Export for NEST: choose or create the folder (an earlier export in it is replaced)");
    if (folder.isEmpty()) return;
    bool replace = false;
    if (!QDir(folder).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden) && foreignFiles(folder).isEmpty()) {
        replace = QMessageBox::question(this, "Replace the earlier export?",
                                        QDir::toNativeSeparators(folder) +
                                            " holds an earlier export. Replace it with the configuration running "
                                            "now?") == QMessageBox::Yes;
        if (!replace) return;
    }
    exportForNestTo(folder, replace);
}

} // namespace mc::ui
