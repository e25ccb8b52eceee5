#include "ui/probes/probe_menu.hpp"

#include "ui/probes/probe_panel.hpp"
#include "ui/raster/raster_view.hpp"
#include "ui/sim_controller.hpp"

#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QMainWindow>
#include <QMenuBar>
#include <QMessageBox>
#include <QSpinBox>

namespace mc::ui {

int probeNeuronOf(const SimController& controller, const QString& population, int index, QString* why) {
    if (!controller.hasNetwork()) {
        if (why) *why = "There is no network yet.";
        return -1;
    }
    const DerivedParams& d = controller.store().derived();
    for (int p = 0; p < kNumPops; ++p) {
        if (population != kPopNames[p]) continue;
        if (index < 0 || index >= d.num_neurons[p]) {
            if (why)
                *why = QString("%1 has %2 neurons at this scale: the index must be from 0 to %3.")
                           .arg(population)
                           .arg(d.num_neurons[p])
                           .arg(d.num_neurons[p] - 1);
            return -1;
        }
        return d.first_neuron[p] + index;
    }
    if (why) *why = QString("There is no population %1.").arg(population);
    return -1;
}

namespace {

void addByIndex(QWidget* parent, ProbePanel* panel, SimController* controller) {
    QDialog dialog(parent);
    dialog.setWindowTitle("Follow a neuron");
    auto* form = new QFormLayout(&dialog);
    auto* pops = new QComboBox;
    for (const char* p : kPopNames)
        pops->addItem(p);
    auto* index = new QSpinBox;
    const auto updateRange = [&] {
        const DerivedParams& d = controller->store().derived();
        const int p = pops->currentIndex();
        index->setRange(0, std::max(0, d.num_neurons[p] - 1));
        index->setSuffix(QString(" of %1").arg(d.num_neurons[p]));
    };
    QObject::connect(pops, &QComboBox::currentIndexChanged, &dialog, updateRange);
    pops->setCurrentIndex(2); // L4E
    updateRange();
    form->addRow("Population", pops);
    form->addRow("Index within it (from 0)", index);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted) return;
    QString why;
    const int n = probeNeuronOf(*controller, pops->currentText(), index->value(), &why);
    if (n < 0 || !panel->addProbe(n, &why)) QMessageBox::information(parent, "Probe", why);
}

} // namespace

void installProbeMenu(QMainWindow* window, QMenu* before, ProbePanel* panel, RasterView* raster,
                      SimController* controller) {
    auto* menu = new QMenu("&Probe", window);
    QAction* at = before ? before->menuAction() : nullptr;
    for (QAction* a : window->menuBar()->actions())
        if (!at && a->text() == "&Help") at = a;
    if (at)
        window->menuBar()->insertMenu(at, menu);
    else
        window->menuBar()->addMenu(menu);
    QAction* add =
        menu->addAction("Add by population and index…", window, [=] { addByIndex(window, panel, controller); });
    add->setStatusTip("Follow one neuron's membrane potential and synaptic current (or click it in the raster)");
    menu->addAction("Remove all probes", panel, &ProbePanel::clearProbes);
    menu->addSeparator();
    menu->addAction("Export traces as CSV…", window, [=] {
        const QString path = QFileDialog::getSaveFileName(window, "Export probe traces", "probes.csv", "CSV (*.csv)");
        QString error;
        if (!path.isEmpty() && !panel->exportCsvTo(path, &error)) QMessageBox::warning(window, "Export failed", error);
    });
    QMenu* figure = menu->addMenu("Export figure");
    for (const char* fmt : {"png", "svg", "pdf"})
        figure->addAction(QString(fmt).toUpper() + "…", window, [=] {
            const QString path =
                QFileDialog::getSaveFileName(window, "Export probe figure", QString("probes.%1").arg(fmt),
                                             QString("%1 (*.%2)").arg(QString(fmt).toUpper(), fmt));
            QString error;
            if (!path.isEmpty() && !panel->exportFigureTo(path, &error))
                QMessageBox::warning(window, "Export failed", error);
        });
    QObject::connect(raster, &RasterView::neuronClicked, panel, [=](int neuron) {
        QString why;
        if (!panel->addProbe(neuron, &why)) QMessageBox::information(window, "Probe", why);
    });
}

} // namespace mc::ui
