// Reading spike folders (engine/include/microcircuit/spike_data.hpp): NEST 3
// files with both header variants, unsorted and split over two threads,
// legacy .gdf files, and every kind of bad input.
#include "microcircuit/errors.hpp"
#include "microcircuit/spike_data.hpp"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <string>

using namespace mc;

namespace {

void writeFile(const QString& dir, const std::string& name, const std::string& text) {
    std::ofstream(dir.toStdString() + "/" + name, std::ios::binary) << text;
}

/// Eight populations of 3 neurons: ids 1..24.
const char* kNodeIds = "1 3\n4 6\n7 9\n10 12\n13 15\n16 18\n19 21\n22 24\n";

/// Message of the ConfigError `f` throws, or "" if it does not throw.
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

} // namespace

class TestSpikeData : public QObject {
    Q_OBJECT
  private slots:
    void nestFilesBothHeadersTwoThreads() {
        QTemporaryDir dir;
        writeFile(dir.path(), "population_nodeids.dat", kNodeIds);
        // L23E's recorder (id 25) on two threads, NEST 3.9 header, unsorted rows.
        writeFile(dir.path(), "spike_recorder-25-0.dat",
                  "# NEST version: 3.9\n# RecordingBackendASCII version: 2\nsender\ttime_ms\n"
                  "2\t15.300\n1\t12.100\n2\t3.700\n");
        writeFile(dir.path(), "spike_recorder-25-1.dat",
                  "# NEST version: 3.9\n# RecordingBackendASCII version: 2\nsender\ttime_ms\n3\t800.000\n2\t9.900\n");
        // L6I's recorder (id 32), older header with '# sender time_ms', CRLF line ends.
        writeFile(dir.path(), "spike_recorder-32-0.dat",
                  "# NEST version: 3.0\r\n# sender time_ms\r\n24 1000.125\r\n22 0.100\r\n");
        writeFile(dir.path(), "sim_dict.json", R"({"t_presim": 500.0, "t_sim": 1000.0})");
        writeFile(dir.path(), "net_dict.json", R"({"N_scaling": 0.5})");
        writeFile(dir.path(), "notes.txt", "not a spike file\n");
        double lastProgress = -1.0;
        const SpikeData d = readSpikeFolder(dir.path().toStdString(), [&](double f, const std::string&) {
            QVERIFY(f >= lastProgress);
            lastProgress = f;
        });
        QCOMPARE(lastProgress, 1.0);
        QCOMPARE(d.populations.size(), std::size_t{8});
        QCOMPARE(d.populations[7].name, std::string("L6I"));
        QCOMPARE(d.files.size(), std::size_t{3});
        QCOMPARE(d.totalSpikes, std::size_t{7});
        QCOMPARE(timesOf(d, 1), (std::vector<double>{12.1}));
        QCOMPARE(timesOf(d, 2), (std::vector<double>{3.7, 9.9, 15.3}));
        QCOMPARE(timesOf(d, 3), (std::vector<double>{800.0}));
        QCOMPARE(timesOf(d, 22), (std::vector<double>{0.1}));
        QCOMPARE(timesOf(d, 24), (std::vector<double>{1000.125}));
        QVERIFY(timesOf(d, 23).empty());
        QCOMPARE(d.firstSpikeMs, 0.1);
        QCOMPARE(d.lastSpikeMs, 1000.125);
        QCOMPARE(d.tPresim, 500.0);
        QCOMPARE(d.tEnd, 1500.0);
        QCOMPARE(d.nScaling, 0.5);
    }
    void legacyGdfReadsBackExactly() {
        QTemporaryDir dir;
        writeFile(dir.path(), "population_nodeids.dat", kNodeIds);
        // NEST 2: no header, "gid\ttime\t" rows; ids of several populations in one file.
        std::map<std::int64_t, std::vector<double>> expected;
        std::string text;
        for (int i = 0; i < 200; ++i) {
            const std::int64_t id = 1 + (i * 7) % 24;
            const double t = 0.1 * ((i * 7919) % 20000);
            char line[64];
            std::snprintf(line, sizeof line, "%lld\t%.1f\t\n", static_cast<long long>(id), t);
            text += line;
            expected[id].push_back(std::stod(std::string(line).substr(std::string(line).find('\t') + 1)));
        }
        writeFile(dir.path(), "spikes-L23E-77170-0.gdf", text);
        const SpikeData d = readSpikeFolder(dir.path().toStdString());
        QCOMPARE(d.totalSpikes, std::size_t{200});
        QCOMPARE(d.tEnd, -1.0); // no sim_dict.json
        for (auto& [id, times] : expected) {
            std::sort(times.begin(), times.end());
            QCOMPARE(timesOf(d, id), times);
        }
    }
    void largeFileAcrossReadBlocks() {
        // > 16 MB, so rows straddle the reader's block boundaries; the last
        // row has no newline but is whole (written like the others), so it counts.
        QTemporaryDir dir;
        writeFile(dir.path(), "population_nodeids.dat", kNodeIds);
        std::string text = "sender\ttime_ms\n";
        const int rows = 1'500'000;
        double sum = 0.0;
        for (int i = 0; i < rows; ++i) {
            char line[32];
            const int id = 1 + i % 24;
            const double t = 0.1 * (i % 100000);
            std::snprintf(line, sizeof line, i + 1 < rows ? "%d\t%.3f\n" : "%d\t%.3f", id, t);
            text += line;
            sum += std::stod(std::string(std::strchr(line, '\t') + 1));
        }
        QVERIFY(text.size() > (std::size_t{16} << 20));
        writeFile(dir.path(), "spike_recorder-25-0.dat", text);
        const SpikeData d = readSpikeFolder(dir.path().toStdString());
        QCOMPARE(d.totalSpikes, std::size_t{rows});
        double got = 0.0;
        for (const auto& p : d.populations)
            for (double t : p.times)
                got += t;
        QVERIFY(std::abs(got - sum) < 1e-6 * sum);
        QCOMPARE(timesOf(d, 1).front(), 0.0);
        QCOMPARE(timesOf(d, 1).size(), std::size_t{62500});
    }
    void lastLineCutOffIsLeftOutAndNamed() {
        // A run killed while writing leaves a last row without its line end;
        // read as it stands, "2\t12.3" would be a spike at the wrong time.
        QTemporaryDir dir;
        writeFile(dir.path(), "population_nodeids.dat", kNodeIds);
        writeFile(dir.path(), "spike_recorder-25-0.dat", "sender\ttime_ms\n1\t2.125\n3\t4.500\n2\t12.3");
        writeFile(dir.path(), "spike_recorder-26-0.dat", "sender\ttime_ms\n4\t7.250\n5"); // cut in the time column
        const SpikeData d = readSpikeFolder(dir.path().toStdString());
        QCOMPARE(d.totalSpikes, std::size_t{3});
        QVERIFY(timesOf(d, 2).empty());
        QVERIFY(timesOf(d, 5).empty());
        QCOMPARE(d.warnings.size(), std::size_t{2});
        QVERIFY2(d.warnings[0].find("spike_recorder-25-0.dat:4: last line \"2 12.3\" has no line end") !=
                     std::string::npos,
                 d.warnings[0].c_str());
        QVERIFY2(d.warnings[1].find("spike_recorder-26-0.dat:3:") != std::string::npos, d.warnings[1].c_str());
        // A hand-made file without a final line end loses nothing.
        writeFile(dir.path(), "spike_recorder-25-0.dat", "sender\ttime_ms\n1\t2.125\n3\t4.500\n2\t12.300");
        writeFile(dir.path(), "spike_recorder-26-0.dat", "4 7.5\n5 9.25");
        const SpikeData whole = readSpikeFolder(dir.path().toStdString());
        QCOMPARE(whole.totalSpikes, std::size_t{5});
        QCOMPARE(timesOf(whole, 2), (std::vector<double>{12.3}));
        QCOMPARE(timesOf(whole, 5), (std::vector<double>{9.25}));
        QVERIFY(whole.warnings.empty());
    }
    void missingFolderAndTable() {
        QTemporaryDir dir;
        QVERIFY(errorOf([&] { readSpikeFolder(dir.path().toStdString() + "/nope"); }).find("not a folder") !=
                std::string::npos);
        QVERIFY(errorOf([&] { readSpikeFolder(dir.path().toStdString()); }).find("population_nodeids.dat: missing") !=
                std::string::npos);
        writeFile(dir.path(), "population_nodeids.dat", "1 3\n4 x\n");
        const auto msg = errorOf([&] { readSpikeFolder(dir.path().toStdString()); });
        QVERIFY2(msg.find("population_nodeids.dat:2:") != std::string::npos, msg.c_str());
        writeFile(dir.path(), "population_nodeids.dat", "1 5\n4 8\n");
        QVERIFY(errorOf([&] { readSpikeFolder(dir.path().toStdString()); }).find("overlapping") != std::string::npos);
    }
    void nodesJsonServesAsTable() {
        QTemporaryDir dir;
        std::string json = "{";
        for (int p = 0; p < 8; ++p) {
            static const char* names[] = {"L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"};
            json += std::string(p ? "," : "") + "\"" + names[p] + "\": [" + std::to_string(3 * p + 1) + "," +
                    std::to_string(3 * p + 2) + "," + std::to_string(3 * p + 3) + "]";
            json += ",\"spike_recorder_" + std::string(names[p]) + "\": [" + std::to_string(25 + p) + "]";
        }
        writeFile(dir.path(), "nodes.json", json + "}");
        writeFile(dir.path(), "spike_recorder-26-0.dat", "sender\ttime_ms\n5\t7.5\n");
        const SpikeData d = readSpikeFolder(dir.path().toStdString());
        QCOMPARE(d.populations[1].firstId, std::int64_t{4});
        QCOMPARE(d.populations[7].lastId, std::int64_t{24});
        QCOMPARE(timesOf(d, 5), (std::vector<double>{7.5}));
        writeFile(dir.path(), "nodes.json", R"({"L23E": [1, 5]})");
        QVERIFY(!errorOf([&] { readSpikeFolder(dir.path().toStdString()); }).empty());
    }
    void noSpikeFiles() {
        QTemporaryDir dir;
        writeFile(dir.path(), "population_nodeids.dat", kNodeIds);
        QVERIFY(errorOf([&] { readSpikeFolder(dir.path().toStdString()); }).find("no spike files") !=
                std::string::npos);
    }
    void headerOnlyFilesHoldNoSpikes() {
        QTemporaryDir dir;
        writeFile(dir.path(), "population_nodeids.dat", kNodeIds);
        writeFile(dir.path(), "spike_recorder-25-0.dat", "# NEST version: 3.9\nsender\ttime_ms\n");
        const SpikeData d = readSpikeFolder(dir.path().toStdString());
        QCOMPARE(d.totalSpikes, std::size_t{0});
    }
    void malformedRowNamesFileAndLine() {
        QTemporaryDir dir;
        writeFile(dir.path(), "population_nodeids.dat", kNodeIds);
        writeFile(dir.path(), "spike_recorder-25-0.dat", "sender\ttime_ms\n1\t2.0\n1\tabc\n");
        const auto msg = errorOf([&] { readSpikeFolder(dir.path().toStdString()); });
        QVERIFY2(msg.find("spike_recorder-25-0.dat:3:") != std::string::npos, msg.c_str());
        writeFile(dir.path(), "spike_recorder-25-0.dat", "1\t2.0\t7\n");
        QVERIFY(errorOf([&] { readSpikeFolder(dir.path().toStdString()); }).find(":1:") != std::string::npos);
        writeFile(dir.path(), "spike_recorder-25-0.dat", "1\n");
        QVERIFY(!errorOf([&] { readSpikeFolder(dir.path().toStdString()); }).empty());
    }
    void idOutsideTable() {
        QTemporaryDir dir;
        writeFile(dir.path(), "population_nodeids.dat", kNodeIds);
        writeFile(dir.path(), "spike_recorder-25-0.dat", "sender\ttime_ms\n1\t2.0\n25\t3.0\n");
        const auto msg = errorOf([&] { readSpikeFolder(dir.path().toStdString()); });
        QVERIFY2(msg.find("sender id 25") != std::string::npos && msg.find("1..24") != std::string::npos, msg.c_str());
    }
    void malformedSimDict() {
        QTemporaryDir dir;
        writeFile(dir.path(), "population_nodeids.dat", kNodeIds);
        writeFile(dir.path(), "spike_recorder-25-0.dat", "1\t2.0\n");
        writeFile(dir.path(), "sim_dict.json", "{ t_presim: ");
        QVERIFY(errorOf([&] { readSpikeFolder(dir.path().toStdString()); }).find("sim_dict.json") != std::string::npos);
    }
};

QTEST_APPLESS_MAIN(TestSpikeData)
#include "test_spike_data.moc"
