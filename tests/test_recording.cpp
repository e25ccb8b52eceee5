// Opening recordings (microcircuit/recording.hpp, sonata.hpp): SONATA reports
// written by the engine and by an independent writer (h5py), `run --format`
// checked against NEST's text files of the same run by h5py and h5dump,
// progress and cancel, and every kind of bad input.
#include "microcircuit/errors.hpp"
#include "microcircuit/recording.hpp"
#include "microcircuit/sonata.hpp"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>
#include <string>

using namespace mc;
namespace fs = std::filesystem;

namespace {

void writeFile(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

/// Eight populations of 3 neurons: NEST ids 1..24.
const char* kNodeIds = "1 3\n4 6\n7 9\n10 12\n13 15\n16 18\n19 21\n22 24\n";
const std::vector<std::int32_t> kFirst = {0, 3, 6, 9, 12, 15, 18, 21, 24};
const std::vector<std::string> kNames = {"L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"};

template <class F> std::string errorOf(F&& f) {
    try {
        f();
    } catch (const ConfigError& e) {
        return e.what();
    }
    return {};
}

std::vector<double> timesOf(const SpikeData& d, std::int64_t id) {
    for (const auto& p : d.populations)
        if (id >= p.firstId && id <= p.lastId) {
            const auto s = p.neuron(static_cast<int>(id - p.firstId));
            return {s.begin(), s.end()};
        }
    return {};
}

/// Runs a program; returns exit code, stdout+stderr in `output`.
int runProgram(const QString& program, const QStringList& args, QString* output = nullptr) {
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    if (!p.waitForFinished(300000)) return -1;
    if (output) *output = QString::fromUtf8(p.readAll());
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

QString tool() {
    return QStringLiteral(MC_SOURCE_DIR "/tests/sonata_tool.py");
}

/// Every population's offsets and times equal.
bool sameData(const SpikeData& a, const SpikeData& b) {
    if (a.populations.size() != b.populations.size() || a.totalSpikes != b.totalSpikes) return false;
    for (std::size_t p = 0; p < a.populations.size(); ++p)
        if (a.populations[p].offsets != b.populations[p].offsets || a.populations[p].times != b.populations[p].times)
            return false;
    return true;
}

} // namespace

class TestRecording : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() {
        if (!sonataAvailable()) QSKIP("this build has no libhdf5 (MC_WITH_HDF5=OFF): no SONATA reports to test");
    }

    void sonataWriterRoundTrip() {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        writeFile(d + "/population_nodeids.dat", kNodeIds);
        {
            SonataSpikeWriter w(d + "/" + kSonataFileName, kNames, kFirst, 100); // h = 0.1 ms
            const std::vector<Spike> first = {{0, 9}, {5, 9}, {23, 20}};
            const std::vector<Spike> second = {{0, 40}, {7, 41}};
            w.append(first);
            w.append(second);
            w.append({});
        }
        const SpikeData data = readRecording(d);
        QCOMPARE(data.totalSpikes, std::size_t{5});
        // A spike of step k is stamped (k + 1) h.
        QCOMPARE(timesOf(data, 1), (std::vector<double>{1.0, 4.1}));
        QCOMPARE(timesOf(data, 6), (std::vector<double>{1.0}));
        QCOMPARE(timesOf(data, 8), (std::vector<double>{4.2}));
        QCOMPARE(timesOf(data, 24), (std::vector<double>{2.1}));
        QCOMPARE(data.files, (std::vector<std::string>{"spikes.h5"}));
        const auto counts = sonataSpikeCounts(d + "/spikes.h5");
        QCOMPARE(counts.size(), std::size_t{8});
        QCOMPARE(counts[0].first, std::string("L23E"));
        QCOMPARE(counts[0].second, std::uint64_t{2});
    }

    // The same run written as NEST text files and as SONATA holds the same
    // spikes, read by our reader and by two independent ones (h5py, h5dump).
    void runFormatBothAgree() {
        QTemporaryDir dir;
        const QString out = dir.path() + "/run";
        QString log;
        QCOMPARE(runProgram(MC_BINARY,
                            {"run", "--scale", "0.02", "--t-presim", "50", "--t-sim", "150", "--threads", "2",
                             "--format", "both", "--out", out, "--no-figures", "-q"},
                            &log),
                 0);
        const std::string o = out.toStdString();
        QVERIFY(fs::exists(o + "/spikes.h5"));
        const SpikeData text = readSpikeFolder(o); // also checks that spikes.h5 agrees in counts
        QVERIFY(text.totalSpikes > 100);
        QVERIFY(text.files.size() == 8);
        // The SONATA report alone, in a folder of its own.
        const std::string s = dir.path().toStdString() + "/sonata";
        fs::create_directories(s);
        for (const char* f : {"spikes.h5", "population_nodeids.dat", "sim_dict.json", "net_dict.json"})
            fs::copy_file(o + "/" + f, s + "/" + f);
        const SpikeData sonata = readRecording(s);
        QVERIFY(sameData(text, sonata));
        QCOMPARE(sonata.tPresim, 50.0);
        QCOMPARE(sonata.tEnd, 200.0);
        // h5py, spike by spike against the text files.
        QString py;
        const int rc = runProgram(MC_PYTHON, {tool(), "compare", out}, &py);
        QVERIFY2(rc == 0, qPrintable(py));
        QVERIFY2(py.contains(QString("OK %1 spikes agree").arg(text.totalSpikes)), qPrintable(py));
        // h5dump: the layout the SONATA specification names.
        QString header;
        QCOMPARE(runProgram("h5dump", {"-H", out + "/spikes.h5"}, &header), 0);
        for (const char* needle : {"GROUP \"spikes\"", "GROUP \"L23E\"", "GROUP \"L6I\"", "ATTRIBUTE \"sorting\"",
                                   "DATASET \"node_ids\"", "H5T_STD_U64LE", "DATASET \"timestamps\"", "H5T_IEEE_F64LE",
                                   "ATTRIBUTE \"units\"", "ATTRIBUTE \"magic\""})
            QVERIFY2(header.contains(needle), needle);
        QString values;
        QCOMPARE(runProgram("h5dump", {"-a", "/spikes/L4E/sorting", out + "/spikes.h5"}, &values), 0);
        QVERIFY2(values.contains("\"by_time\""), qPrintable(values));
        // `--format sonata` alone writes no text files, and analyze reads the report.
        const QString only = dir.path() + "/only";
        QCOMPARE(runProgram(MC_BINARY, {"run", "--scale", "0.02", "--t-presim", "50", "--t-sim", "150", "--threads",
                                        "1", "--format", "sonata", "--out", only, "--no-figures", "-q"}),
                 0);
        int textFiles = 0;
        for (const auto& e : fs::directory_iterator(only.toStdString()))
            textFiles += e.path().extension() == ".dat" && e.path().filename().string().rfind("spike_recorder", 0) == 0;
        QCOMPARE(textFiles, 0);
        QVERIFY(sameData(text, readRecording(only.toStdString()))); // same seed, other thread count
        QString analysis;
        QCOMPARE(runProgram(MC_BINARY, {"analyze", only, "--t-min", "50", "--json", "--quiet"}, &analysis), 0);
        QVERIFY2(analysis.contains("\"spikes\""), qPrintable(analysis));
    }

    void independentSinglePopulationReport() {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        writeFile(d + "/population_nodeids.dat", kNodeIds);
        QCOMPARE(runProgram(MC_PYTHON, {tool(), "single", dir.path() + "/report.h5"}), 0);
        const SpikeData data = readRecording(d);
        QCOMPARE(data.totalSpikes, std::size_t{4});
        // node id = NEST id - 1; timestamps were in seconds, unsorted.
        QCOMPARE(timesOf(data, 1), (std::vector<double>{0.5, 1.2}));
        QCOMPARE(timesOf(data, 6), (std::vector<double>{2.0}));
        QCOMPARE(timesOf(data, 24), (std::vector<double>{4.0}));
    }

    void nestFolderTwoVirtualProcesses() {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        writeFile(d + "/population_nodeids.dat", kNodeIds);
        writeFile(d + "/spike_recorder-25-0.dat",
                  "# NEST version: 3.9\n# RecordingBackendASCII version: 2\nsender\ttime_ms\n2\t15.300\n1\t12.100\n");
        writeFile(d + "/spike_recorder-25-1.dat", "# sender time_ms\n2\t3.700\n3\t800.000\n");
        writeFile(d + "/spike_recorder-32-0.dat", "24\t5.500\n22\t1.000\n");
        const SpikeData data = readRecording(d);
        QCOMPARE(data.totalSpikes, std::size_t{6});
        QCOMPARE(timesOf(data, 2), (std::vector<double>{3.7, 15.3}));
        QCOMPARE(timesOf(data, 22), (std::vector<double>{1.0}));
    }

    // Files of different runs or NEST versions in one folder would add up silently.
    void mixedFoldersAreRefused() {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        writeFile(d + "/population_nodeids.dat", kNodeIds);
        writeFile(d + "/spike_recorder-25-0.dat", "1\t2.000\n");
        writeFile(d + "/spikes-L23E-25-0.gdf", "2 3.0\n");
        const std::string versions = errorOf([&] { readRecording(d); });
        QVERIFY2(versions.find("mixes NEST 2 spike files (spikes-L23E-25-0.gdf) with NEST 3 ones") != std::string::npos,
                 versions.c_str());
        fs::remove(d + "/spikes-L23E-25-0.gdf");
        for (int id = 25; id <= 33; ++id) // nine recorders for eight populations
            writeFile(d + "/spike_recorder-" + std::to_string(id) + "-0.dat", "1\t2.000\n");
        const std::string runs = errorOf([&] { readRecording(d); });
        QVERIFY2(runs.find("spike files of 9 spike recorders (ids 25 ... 33) for 8 populations") != std::string::npos,
                 runs.c_str());
        fs::remove(d + "/spike_recorder-33-0.dat");
        writeFile(d + "/spike_recorder-25-1.dat", "2\t2.500\n"); // a second virtual process
        QCOMPARE(readRecording(d).totalSpikes, std::size_t{9}); // eight recorders, one with two VPs: fine
    }

    void progressAndCancel() {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        writeFile(d + "/population_nodeids.dat", kNodeIds);
        {
            SonataSpikeWriter w(d + "/spikes.h5", kNames, kFirst, 100);
            const std::vector<Spike> spikes = {{0, 1}, {4, 2}};
            w.append(spikes);
        }
        double last = -1.0;
        bool monotone = true;
        readRecording(d, [&](double f, const std::string&) {
            monotone = monotone && f >= last;
            last = f;
        });
        QVERIFY(monotone);
        QCOMPARE(last, 1.0);
        std::atomic<bool> cancel{true};
        QVERIFY_THROWS_EXCEPTION(ReadCancelled, readRecording(d, {}, &cancel));
        // Cancelled from within, after the first progress report.
        cancel = false;
        bool threw = false;
        try {
            readRecording(
                d, [&](double, const std::string&) { cancel = true; }, &cancel);
        } catch (const ReadCancelled&) {
            threw = true;
        }
        QVERIFY(threw);
    }

    void badInput() {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        writeFile(d + "/population_nodeids.dat", kNodeIds);
        QVERIFY(errorOf([&] { readRecording(d); }).find("no spike files") != std::string::npos);
        // A file named .h5 that is not HDF5 at all.
        writeFile(d + "/spikes.h5", "sender time\n1 2.0\n");
        QVERIFY(errorOf([&] { readRecording(d); }).find("spikes.h5: not a SONATA spike report (not an HDF5 file)") != std::string::npos);
        fs::remove(d + "/spikes.h5");
        // HDF5, but no /spikes group.
        QCOMPARE(runProgram(MC_PYTHON, {tool(), "plain", dir.path() + "/voltages.h5"}), 0);
        QVERIFY(errorOf([&] { readRecording(d); }).find("voltages.h5: not a SONATA spike report") != std::string::npos);
        QVERIFY(errorOf([&] { sonataSpikeCounts(d + "/voltages.h5"); }).find("no /spikes group") != std::string::npos);
        fs::remove(d + "/voltages.h5");
        // Node ids beyond the population table.
        {
            SonataSpikeWriter w(d + "/spikes.h5", kNames, {0, 5, 6, 9, 12, 15, 18, 21, 24}, 100);
            const std::vector<Spike> spikes = {{4, 1}}; // node 4 of L23E, which has 3 neurons in the table
            w.append(spikes);
        }
        const std::string ids = errorOf([&] { readRecording(d); });
        QVERIFY2(ids.find("/spikes/L23E has node id 4, but the population has 3 neurons") != std::string::npos,
                 ids.c_str());
        // Population names that are not the model's.
        fs::remove(d + "/spikes.h5");
        { SonataSpikeWriter w(d + "/spikes.h5", {"cortex", "thalamus"}, {0, 10, 24}, 100); }
        QVERIFY(errorOf([&] { readRecording(d); }).find("are not the model's") != std::string::npos);
        // Text files and a report that disagree.
        fs::remove(d + "/spikes.h5");
        {
            SonataSpikeWriter w(d + "/spikes.h5", kNames, kFirst, 100);
            const std::vector<Spike> spikes = {{0, 1}, {1, 2}};
            w.append(spikes);
        }
        writeFile(d + "/spike_recorder-25-0.dat", "1\t0.200\n");
        const std::string mixed = errorOf([&] { readRecording(d); });
        QVERIFY2(mixed.find("disagree: population L23E has 1 spikes in the text files and 2 in the SONATA report") !=
                     std::string::npos,
                 mixed.c_str());
        // Two reports in one folder.
        fs::remove(d + "/spike_recorder-25-0.dat");
        fs::copy_file(d + "/spikes.h5", d + "/more.h5");
        QVERIFY(errorOf([&] { readRecording(d); }).find("several SONATA spike reports") != std::string::npos);
        // A one-population report beside text files: compared by the total.
        fs::remove(d + "/spikes.h5");
        fs::remove(d + "/more.h5");
        QCOMPARE(runProgram(MC_PYTHON, {tool(), "single", dir.path() + "/report.h5"}), 0);
        writeFile(d + "/spike_recorder-25-0.dat", "1\t0.200\n");
        const std::string total = errorOf([&] { readRecording(d); });
        QVERIFY2(total.find("disagree: 1 spikes in the text files, 4 in the SONATA report") != std::string::npos,
                 total.c_str());
        // An unwritable report.
        QVERIFY(errorOf([&] {
                    SonataSpikeWriter(d + "/no/such/folder/spikes.h5", kNames, kFirst, 100);
                }).find("cannot be written") != std::string::npos);
        // `run --format` with a value that is not a format.
        QString out;
        QCOMPARE(runProgram(MC_BINARY, {"run", "--format", "xml", "--out", dir.path() + "/x"}, &out), 2);
        QVERIFY2(out.contains("--format 'xml' is not allowed: must be nest, sonata or both"), qPrintable(out));
    }
};

QTEST_GUILESS_MAIN(TestRecording)
#include "test_recording.moc"
