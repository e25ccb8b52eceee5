// Configuration I/O (config_io.hpp) and validation (Config::validate): JSON
// round trips, the reference package's three dictionaries, and a ConfigError
// that names the field and the value for every kind of bad input.
#include "test_helpers.hpp"

#include "microcircuit/config_io.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/model.hpp"
#include "microcircuit/params.hpp"

#include <QtTest/QtTest>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <functional>

using namespace mc;
using namespace mc::test;

namespace {

/// Runs f; returns the ConfigError message, "<no error>" or "<wrong exception: ...>".
QString errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const ConfigError& e) {
        return QString::fromStdString(e.what());
    } catch (const std::exception& e) {
        return QString("<wrong exception: %1>").arg(e.what());
    }
    return "<no error>";
}

/// Applies `json` on top of the defaults and validates, as `run --config` does.
QString errorOfJson(const QString& json, const std::string& origin = "test.json") {
    return errorOf([&] {
        Config c;
        applyConfigJson(c, json.toStdString(), origin);
        c.validate();
    });
}

void writeFile(const QString& path, const QByteArray& text) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(text), static_cast<qint64>(text.size()));
}

// The reference package's dictionaries as it writes them to JSON (numpy
// arrays as lists), with some values changed from the defaults so the test
// sees them arrive.
const char* kSimDict = R"({
  "t_presim": 250.0,
  "t_sim": 2000.0,
  "sim_resolution": 0.1,
  "rec_dev": ["spike_recorder"],
  "data_path": "/tmp/reference-data/",
  "rng_seed": 12345,
  "local_num_threads": 2,
  "rec_V_int": 1.0,
  "overwrite_files": true,
  "print_time": false
})";

const char* kNetDict = R"({
  "N_scaling": 0.2,
  "K_scaling": 0.3,
  "neuron_model": "iaf_psc_exp",
  "populations": ["L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"],
  "full_num_neurons": [20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948],
  "full_mean_rates": [0.903, 2.965, 4.414, 5.876, 7.569, 8.633, 1.105, 7.829],
  "conn_probs": [[0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0],
                 [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0],
                 [0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0.0],
                 [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0],
                 [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
                 [0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0.0],
                 [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
                 [0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1444]],
  "PSP_exc_mean": 0.16,
  "weight_rel_std": 0.1,
  "g": -4.5,
  "delay_exc_mean": 1.5,
  "delay_inh_mean": 0.8,
  "delay_rel_std": 0.5,
  "bg_input_type": "dc",
  "K_ext": [1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100],
  "bg_rate": 8.0,
  "delay_poisson": 1.5,
  "V0_type": "original",
  "neuron_params": {
    "V0_mean": {"original": -58.0, "optimized": [-68.28, -63.16, -63.33, -63.45, -63.11, -61.66, -66.72, -61.5]},
    "V0_std": {"original": 10.0, "optimized": [5.36, 4.57, 4.74, 4.94, 4.94, 4.55, 5.46, 4.48]},
    "E_L": -65.0,
    "V_th": -50.0,
    "V_reset": -65.0,
    "C_m": 250.0,
    "tau_m": 10.0,
    "tau_syn": 0.5,
    "t_ref": 2.5
  },
  "PSP_matrix_mean": [[0.16, -0.72, 0.32, -0.72, 0.16, -0.72, 0.16, -0.72],
                       [0.16, -0.72, 0.16, -0.72, 0.16, -0.72, 0.16, -0.72],
                       [0.16, -0.72, 0.16, -0.72, 0.16, -0.72, 0.16, -0.72],
                       [0.16, -0.72, 0.16, -0.72, 0.16, -0.72, 0.16, -0.72],
                       [0.16, -0.72, 0.16, -0.72, 0.16, -0.72, 0.16, -0.72],
                       [0.16, -0.72, 0.16, -0.72, 0.16, -0.72, 0.16, -0.72],
                       [0.16, -0.72, 0.16, -0.72, 0.16, -0.72, 0.16, -0.72],
                       [0.16, -0.72, 0.16, -0.72, 0.16, -0.72, 0.16, -0.72]],
  "delay_matrix_mean": [[1.5, 0.8, 1.5, 0.8, 1.5, 0.8, 1.5, 0.8],
                        [1.5, 0.8, 1.5, 0.8, 1.5, 0.8, 1.5, 0.8],
                        [1.5, 0.8, 1.5, 0.8, 1.5, 0.8, 1.5, 0.8],
                        [1.5, 0.8, 1.5, 0.8, 1.5, 0.8, 1.5, 0.8],
                        [1.5, 0.8, 1.5, 0.8, 1.5, 0.8, 1.5, 0.8],
                        [1.5, 0.8, 1.5, 0.8, 1.5, 0.8, 1.5, 0.8],
                        [1.5, 0.8, 1.5, 0.8, 1.5, 0.8, 1.5, 0.8],
                        [1.5, 0.8, 1.5, 0.8, 1.5, 0.8, 1.5, 0.8]]
})";

const char* kStimDict = R"({
  "thalamic_input": true,
  "th_start": 800.0,
  "th_duration": 12.0,
  "th_rate": 100.0,
  "num_th_neurons": 900,
  "conn_probs_th": [0.0, 0.0, 0.0983, 0.0619, 0.0, 0.0, 0.0512, 0.0196],
  "PSP_th": 0.15,
  "delay_th_mean": 1.5,
  "delay_th_rel_std": 0.5,
  "dc_input": true,
  "dc_start": 600.0,
  "dc_dur": 50.0,
  "dc_amp": 0.4
})";

} // namespace

class TestConfig : public QObject {
    Q_OBJECT

private slots:
    void defaultRoundTripsToIdenticalJson() {
        const std::string first = configToJson(Config{});
        Config c;
        c.sim.rng_seed = 999; // overwritten by the JSON
        applyConfigJson(c, first, "default.json");
        QCOMPARE(c.sim.rng_seed, std::uint64_t{55});
        QCOMPARE(QString::fromStdString(configToJson(c)), QString::fromStdString(first));
        QCOMPARE(errorOf([&] { c.validate(); }), QString("<no error>"));
        // The JSON has the three sections.
        const QString json = QString::fromStdString(first);
        for (const char* key : {"\"sim\"", "\"net\"", "\"stim\"", "\"neuron_params\"", "\"conn_probs\""})
            QVERIFY2(json.contains(key), key);
    }

    void changedConfigRoundTrips() {
        Config a;
        a.sim.rng_seed = 4242;
        a.sim.t_sim = 1234.5;
        a.net.N_scaling = 0.3;
        a.net.K_scaling = 0.7;
        a.net.conn_probs[3][4] = 0.123;
        a.net.bg_input_type = "dc";
        a.net.neuron.V0_mean_optimized[5] = -60.25;
        a.net.neuron.V0_std_original = 3.5;
        a.net.neuron.t_ref = uniform(2.5);
        a.stim.thalamic_input = true;
        a.stim.th_scaling = "indegree";
        a.stim.dc_transient_amp = 0.45;
        const std::string json = configToJson(a);
        Config b;
        applyConfigJson(b, json, "changed.json");
        QCOMPARE(QString::fromStdString(configToJson(b)), QString::fromStdString(json));
        QCOMPARE(b.sim.rng_seed, std::uint64_t{4242});
        QCOMPARE(b.sim.t_sim, 1234.5);
        QCOMPARE(b.net.N_scaling, 0.3);
        QCOMPARE(b.net.K_scaling, 0.7);
        QCOMPARE(b.net.conn_probs[3][4], 0.123);
        QCOMPARE(b.net.bg_input_type, std::string("dc"));
        QCOMPARE(b.net.neuron.V0_mean_optimized[5], -60.25);
        QCOMPARE(b.net.neuron.V0_std_original, 3.5);
        QCOMPARE(b.net.neuron.t_ref, uniform(2.5));
        QVERIFY(b.stim.thalamic_input);
        QCOMPARE(b.stim.th_scaling, std::string("indegree"));
        QCOMPARE(b.stim.dc_transient_amp, 0.45);
    }

    // A partial file changes only what it names.
    void partialJsonKeepsOtherDefaults() {
        Config c;
        applyConfigJson(c, R"({"net": {"g": -5.0}, "sim": {"t_sim": 100}})", "partial.json");
        QCOMPARE(c.net.g, -5.0);
        QCOMPARE(c.sim.t_sim, 100.0);
        QCOMPARE(c.net.N_scaling, 0.1);
        QCOMPARE(c.sim.rng_seed, std::uint64_t{55});
    }

    // The reference package's own sim_dict.json / net_dict.json / stim_dict.json.
    void referenceDictionariesLoad() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        writeFile(dir.filePath("sim_dict.json"), kSimDict);
        writeFile(dir.filePath("net_dict.json"), kNetDict);
        writeFile(dir.filePath("stim_dict.json"), kStimDict);
        Config c;
        applyConfigPath(c, dir.path().toStdString()); // the folder: all three
        QCOMPARE(errorOf([&] { c.validate(); }), QString("<no error>"));
        // sim_dict
        QCOMPARE(c.sim.t_presim, 250.0);
        QCOMPARE(c.sim.t_sim, 2000.0);
        QCOMPARE(c.sim.rng_seed, std::uint64_t{12345});
        QCOMPARE(c.sim.local_num_threads, 2);
        QCOMPARE(c.sim.data_path, std::string("/tmp/reference-data/"));
        // net_dict
        QCOMPARE(c.net.N_scaling, 0.2);
        QCOMPARE(c.net.K_scaling, 0.3);
        QCOMPARE(c.net.PSP_exc_mean, 0.16);
        QCOMPARE(c.net.g, -4.5);
        QCOMPARE(c.net.delay_inh_mean, 0.8);
        QCOMPARE(c.net.bg_input_type, std::string("dc"));
        QCOMPARE(c.net.V0_type, std::string("original"));
        QCOMPARE(c.net.conn_probs[7][7], 0.1444);
        QCOMPARE(c.net.neuron.t_ref, uniform(2.5));
        QCOMPARE(c.net.neuron.V0_mean_optimized[7], -61.5);
        QCOMPARE(c.net.neuron.V0_mean_original, -58.0);
        QCOMPARE(c.net.neuron.V0_std_optimized[6], 5.46);
        // stim_dict, with the reference's names of the DC transient
        QVERIFY(c.stim.thalamic_input);
        QCOMPARE(c.stim.th_start, 800.0);
        QCOMPARE(c.stim.th_duration, 12.0);
        QCOMPARE(c.stim.th_rate, 100.0);
        QCOMPARE(c.stim.num_th_neurons, 900);
        QVERIFY(c.stim.dc_transient);
        QCOMPARE(c.stim.dc_transient_start, 600.0);
        QCOMPARE(c.stim.dc_transient_dur, 50.0);
        QCOMPARE(c.stim.dc_transient_amp, 0.4);

        // Each file alone fills only its section.
        Config onlyNet;
        applyConfigPath(onlyNet, dir.filePath("net_dict.json").toStdString());
        QCOMPARE(onlyNet.net.g, -4.5);
        QCOMPARE(onlyNet.sim.t_sim, 1000.0);
        QVERIFY(!onlyNet.stim.thalamic_input);
    }

    // What writeReferenceDicts writes (with the derived values the reference
    // also stores) reads back to the same configuration.
    void writtenReferenceDictionariesReadBack() {
        Config a;
        a.sim.rng_seed = 77;
        a.net.N_scaling = 0.05;
        a.net.bg_input_type = "dc";
        a.stim.thalamic_input = true;
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        writeReferenceDicts(a, deriveParameters(a), dir.path().toStdString());
        for (const char* f : {"sim_dict.json", "net_dict.json", "stim_dict.json"}) QVERIFY(QFile::exists(dir.filePath(f)));
        Config b;
        applyConfigPath(b, dir.path().toStdString());
        QCOMPARE(QString::fromStdString(configToJson(b)), QString::fromStdString(configToJson(a)));
    }

    // Every kind of bad input: a ConfigError whose message names the field
    // and the offending value.
    void badInputNamesFieldAndValue_data() {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QStringList>("mustContain");
        auto row = [](const char* name, const QString& json, const QStringList& words) {
            QTest::newRow(name) << json << words;
        };
        const QString sizes7 = "[20683, -5, 21915, 5479, 4850, 1065, 14395, 2948]";
        row("unknown key", R"({"sim": {"t_simm": 5}})", {"sim.t_simm", "unknown"});
        row("unknown section", R"({"sim": {}, "network": {}})", {"network"});
        row("unknown key in neuron_params", R"({"net": {"neuron_params": {"tau_x": 1}}})", {"tau_x"});
        row("unknown key in a reference dict", R"({"t_sim": 100, "t_warm": 5})", {"t_warm"});
        row("wrong type: string for number", R"({"sim": {"t_sim": "long"}})", {"sim.t_sim", "long"});
        row("wrong type: number for bool", R"({"stim": {"thalamic_input": 1}})", {"stim.thalamic_input", "1"});
        row("wrong type: float for integer", R"({"sim": {"rng_seed": 1.5}})", {"sim.rng_seed", "1.5"});
        row("wrong type: negative seed", R"({"sim": {"rng_seed": -3}})", {"sim.rng_seed", "-3"});
        row("wrong length", R"({"net": {"K_ext": [1, 2, 3]}})", {"net.K_ext", "8"});
        row("negative population size", QString(R"({"net": {"full_num_neurons": %1}})").arg(sizes7),
            {"full_num_neurons", "L23I", "-5"});
        row("fractional population size",
            R"({"net": {"full_num_neurons": [20683, 5834, 21915.5, 5479, 4850, 1065, 14395, 2948]}})",
            {"full_num_neurons", "L4E", "21915.5"});
        row("dt = 0", R"({"sim": {"sim_resolution": 0}})", {"sim.sim_resolution", "0"});
        row("dt < 0", R"({"sim": {"sim_resolution": -0.1}})", {"sim.sim_resolution", "-0.1"});
        row("inhibitory delay below dt", R"({"net": {"delay_inh_mean": 0.05}})", {"net.delay_inh_mean", "0.05"});
        row("excitatory delay below dt", R"({"sim": {"sim_resolution": 0.2}, "net": {"delay_exc_mean": 0.1}})",
            {"net.delay_exc_mean", "0.1"});
        row("thalamic delay below dt", R"({"stim": {"delay_th_mean": 0.01}})", {"stim.delay_th_mean", "0.01"});
        row("probability 1", R"({"net": {"conn_probs": [[0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 1.0],
            [0,0,0,0,0,0,0,0],[0,0,0,0,0,0,0,0],[0,0,0,0,0,0,0,0],[0,0,0,0,0,0,0,0],[0,0,0,0,0,0,0,0],
            [0,0,0,0,0,0,0,0],[0,0,0,0,0,0,0,0]]}})", {"net.conn_probs[0][7]", "1"});
        row("negative probability", R"({"stim": {"conn_probs_th": [0, 0, -0.1, 0, 0, 0, 0, 0]}})",
            {"stim.conn_probs_th", "L4E", "-0.1"});
        row("N_scaling = 0", R"({"net": {"N_scaling": 0}})", {"net.N_scaling", "0"});
        row("K_scaling < 0", R"({"net": {"K_scaling": -1}})", {"net.K_scaling", "-1"});
        row("bg_input_type foo", R"({"net": {"bg_input_type": "foo"}})", {"net.bg_input_type", "foo"});
        row("V0_type bar", R"({"net": {"V0_type": "bar"}})", {"net.V0_type", "bar"});
        row("th_scaling x", R"({"stim": {"th_scaling": "xyz"}})", {"stim.th_scaling", "xyz"});
        row("neuron model", R"({"net": {"neuron_model": "iaf_psc_alpha"}})", {"neuron_model", "iaf_psc_alpha"});
        row("populations", R"({"net": {"populations": ["A", "B"]}})", {"populations"});
        row("V_th below V_reset", R"({"net": {"neuron_params": {"V_th": -70}}})", {"V_th", "-70"});
        row("tau_m = 0", R"({"net": {"neuron_params": {"tau_m": 0}}})", {"tau_m", "0"});
        row("negative t_sim", R"({"sim": {"t_sim": -5}})", {"sim.t_sim", "-5"});
        row("negative thalamic neurons", R"({"stim": {"num_th_neurons": -1}})", {"stim.num_th_neurons", "-1"});
        row("negative threads", R"({"sim": {"local_num_threads": -2}})", {"sim.local_num_threads", "-2"});
        row("not an object", R"([1, 2, 3])", {"test.json"});
        row("section not an object", R"({"net": 5})", {"net", "5"});
    }
    void badInputNamesFieldAndValue() {
        QFETCH(QString, json);
        QFETCH(QStringList, mustContain);
        const QString message = errorOfJson(json);
        QVERIFY2(!message.startsWith("<"), qPrintable(message));
        for (const QString& word : mustContain)
            QVERIFY2(message.contains(word), qPrintable(QString("\"%1\" does not name %2").arg(message, word)));
        QVERIFY2(!message.contains('\n'), qPrintable(message)); // one line for the CLI
    }

    // Malformed JSON: the message names the file (and what is wrong).
    void malformedJsonNamesTheFile() {
        const QString inMemory = errorOfJson(R"({"sim": {"t_sim": 5,}})", "/some/where/config.json");
        QVERIFY2(inMemory.contains("/some/where/config.json"), qPrintable(inMemory));
        QVERIFY2(inMemory.contains("JSON"), qPrintable(inMemory));

        QTemporaryDir dir;
        const QString path = dir.filePath("broken.json");
        writeFile(path, "{ \"sim\": ");
        const QString fromFile = errorOf([&] {
            Config c;
            applyConfigPath(c, path.toStdString());
        });
        QVERIFY2(fromFile.contains(path), qPrintable(fromFile));

        // A broken file inside a reference folder is named too.
        writeFile(dir.filePath("net_dict.json"), "{ nope");
        const QString fromFolder = errorOf([&] {
            Config c;
            applyConfigPath(c, dir.path().toStdString());
        });
        QVERIFY2(fromFolder.contains("net_dict.json"), qPrintable(fromFolder));
    }

    void missingFileOrFolderIsNamed() {
        const QString missing = errorOf([] {
            Config c;
            applyConfigPath(c, "/nonexistent/dir/config.json");
        });
        QVERIFY2(missing.contains("/nonexistent/dir/config.json"), qPrintable(missing));
        QTemporaryDir empty;
        const QString emptyFolder = errorOf([&] {
            Config c;
            applyConfigPath(c, empty.path().toStdString());
        });
        QVERIFY2(emptyFolder.contains(empty.path()) && emptyFolder.contains("sim_dict.json"), qPrintable(emptyFolder));
    }

    // The defaults are valid, and every validated field has a default in range.
    void defaultsAreValid() {
        QCOMPARE(errorOf([] { Config{}.validate(); }), QString("<no error>"));
        QCOMPARE(errorOf([] { isolatedNeuronsConfig().validate(); }), QString("<no error>"));
    }
};

QTEST_APPLESS_MAIN(TestConfig)
#include "test_config.moc"
