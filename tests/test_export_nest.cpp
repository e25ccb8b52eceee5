// Export for NEST (microcircuit/nest_export.hpp, `microcircuit export-nest`):
// the dictionaries against a fixture of the reference package's defaults
// (tests/configs/reference_dicts), the round trip back to the same
// configuration, and the run and Slurm scripts checked without NEST (Python's
// compiler, bash -n, and a run of run_microcircuit.py against a stand-in of
// PyNEST's `nest` and `microcircuit` modules that records what it is given).
#include "microcircuit/config_io.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/nest_export.hpp"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

using namespace mc;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string kFixture = MC_SOURCE_DIR "/tests/configs/reference_dicts";

json readJson(const std::string& path) {
    return json::parse(readTextFile(path));
}

int runProgram(const QString& program, const QStringList& args, QString* output = nullptr,
               const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment(), const QString& cwd = {}) {
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.setProcessEnvironment(env);
    if (!cwd.isEmpty()) p.setWorkingDirectory(cwd);
    p.start(program, args);
    if (!p.waitForFinished(120000)) return -1;
    if (output) *output = QString::fromUtf8(p.readAll());
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

/// "number", "string", "bool", "list[8]", "list[8][8]", "object{...}": the shape of a value.
std::string shape(const json& v) {
    if (v.is_number()) return "number";
    if (v.is_string()) return "string";
    if (v.is_boolean()) return "bool";
    if (v.is_array())
        return "list[" + std::to_string(v.size()) + "]" +
               (v.empty()                            ? ""
                : shape(v[0]).substr(0, 4) == "list" ? shape(v[0]).substr(4)
                                                     : "");
    if (v.is_object()) {
        std::string s = "object{";
        for (auto it = v.begin(); it != v.end(); ++it)
            s += it.key() + ":" + shape(it.value()) + ",";
        return s + "}";
    }
    return "null";
}

/// The same numbers (to 1e-12 relative), strings, booleans, lists and objects.
bool sameValue(const json& a, const json& b) {
    if (a.is_number() && b.is_number())
        return std::fabs(a.get<double>() - b.get<double>()) <= 1e-12 * std::max(1.0, std::fabs(b.get<double>()));
    if (a.is_array() && b.is_array()) {
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i)
            if (!sameValue(a[i], b[i])) return false;
        return true;
    }
    if (a.is_object() && b.is_object()) {
        if (a.size() != b.size()) return false;
        for (auto it = a.begin(); it != a.end(); ++it)
            if (!b.contains(it.key()) || !sameValue(it.value(), b[it.key()])) return false;
        return true;
    }
    return a == b;
}

/// A configuration using what the reference's dicts cannot say directly.
Config unusualConfig() {
    Config c;
    applyConfigPath(c, MC_SOURCE_DIR "/tests/configs/live_events.json"); // timed changes of every kind
    c.net.weight_factors[0][2] = 1.5;
    c.net.weight_factors[4][5] = 0.5;
    c.net.neuron.E_L[3] = -66.0;
    c.net.neuron.I_e[1] = 10.0;
    c.net.neuron.C_m.fill(240.0); // uniform, but not NEST's default 250
    c.sim.local_num_threads = 0;
    c.sim.rng_seed = 12345;
    c.stim.thalamic_input = true;
    c.stim.th_start = 700.0;
    c.validate();
    return c;
}

} // namespace

class TestExportNest : public QObject {
    Q_OBJECT
  private slots:
    // Same keys, same shapes as the reference package's dicts; and for a
    // configuration read from them, the same values.
    void dictsMatchTheReferencePackage() {
        Config c;
        applyConfigPath(c, kFixture);
        const std::vector<std::string> dicts = nestDicts(c);
        const char* names[] = {"sim_dict.json", "net_dict.json", "stim_dict.json"};
        for (int i = 0; i < 3; ++i) {
            const json ours = json::parse(dicts[i]);
            const json ref = readJson(kFixture + "/" + names[i]);
            QCOMPARE(ours.size(), ref.size());
            for (auto it = ref.begin(); it != ref.end(); ++it) {
                const std::string key = it.key();
                QVERIFY2(ours.contains(key), (std::string(names[i]) + ": missing " + key).c_str());
                QVERIFY2(shape(ours[key]) == shape(it.value()), (std::string(names[i]) + ": " + key + " is " +
                                                                 shape(ours[key]) + ", reference " + shape(it.value()))
                                                                    .c_str());
                // Values of NEST's own run settings are the export's choice.
                if (key == "local_num_threads" || key == "print_time") continue;
                QVERIFY2(sameValue(ours[key], it.value()),
                         (std::string(names[i]) + ": " + key + " = " + ours[key].dump() + ", reference " +
                          it.value().dump())
                             .c_str());
            }
        }
    }

    void roundTripGivesTheSameConfiguration() {
        QTemporaryDir dir;
        const Config original = unusualConfig();
        const NestExport out = exportForNest(original, dir.path().toStdString() + "/nest");
        Config back;
        applyConfigPath(back, dir.path().toStdString() + "/nest");
        QCOMPARE(configToJson(back), configToJson(original));
        // ... also through the command line, as a user does it.
        std::ofstream(dir.path().toStdString() + "/original.json") << configToJson(original);
        QString a, b, log;
        QCOMPARE(runProgram(MC_BINARY, {"export-nest", dir.path() + "/cli", "--config", dir.path() + "/original.json"},
                            &log),
                 0);
        QVERIFY2(log.contains("warning: NEST will not do this: timed change at 50 ms"), qPrintable(log));
        QCOMPARE(runProgram(MC_BINARY, {"config", "--config", dir.path() + "/original.json"}, &a), 0);
        QCOMPARE(runProgram(MC_BINARY, {"config", "--config", dir.path() + "/cli"}, &b), 0);
        QCOMPARE(b, a);
        // Folded in exactly: the weight factors in the PSP matrix.
        const json net = readJson(dir.path().toStdString() + "/nest/net_dict.json");
        QCOMPARE(net["PSP_matrix_mean"][0][2].get<double>(), 0.15 * 2.0 * 1.5);
        QCOMPARE(net["PSP_matrix_mean"][4][5].get<double>(), 0.15 * -4.0 * 0.5);
        QCOMPARE(net["PSP_matrix_mean"][1][1].get<double>(), 0.15 * -4.0);
        // Named, never dropped silently: every timed change is a warning and in README.txt.
        QCOMPARE(out.warnings.size(), original.events.size());
        const std::string readme = readTextFile(dir.path().toStdString() + "/nest/README.txt");
        QVERIFY(readme.find("timed change at 260 ms") != std::string::npos);
        QVERIFY(readme.find("folded into PSP_matrix_mean") != std::string::npos);
        QVERIFY(readme.find("neuron_params.E_L differs between populations") != std::string::npos);
        // A default configuration: nothing to warn about, and no events.json.
        const NestExport plain = exportForNest(Config{}, dir.path().toStdString() + "/nest");
        QVERIFY(plain.warnings.empty());
        QVERIFY(!fs::exists(dir.path().toStdString() + "/nest/events.json"));
    }

    void scriptsAreValid() {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        exportForNest(unusualConfig(), d);
        QString out;
        QCOMPARE(runProgram(MC_PYTHON, {"-m", "py_compile", dir.path() + "/run_microcircuit.py"}, &out), 0);
        QCOMPARE(runProgram("bash", {"-n", dir.path() + "/submit.slurm"}, &out), 0);
        const std::string slurm = readTextFile(d + "/submit.slurm");
        QVERIFY(slurm.find("#SBATCH --mem=") != std::string::npos);
        QVERIFY(slurm.find("srun") != std::string::npos);
        QVERIFY(slurm.find("run_microcircuit.py --threads") != std::string::npos);
        QVERIFY((fs::status(d + "/run_microcircuit.py").permissions() & fs::perms::owner_exec) != fs::perms::none);
    }

    // run_microcircuit.py against stand-ins of `nest` and `microcircuit.network`.
    void runScriptDrivesTheReferencePackage() {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        const Config config = unusualConfig();
        exportForNest(config, d + "/export");
        fs::create_directories(d + "/stub/nest");
        fs::create_directories(d + "/stub/microcircuit");
        std::ofstream(d + "/stub/nest/__init__.py") << "def Rank():\n    return 0\n";
        std::ofstream(d + "/stub/microcircuit/__init__.py") << "";
        std::ofstream(d + "/stub/microcircuit/network.py") << R"PY(
import json, os
import numpy as np
LOG = []
class Pop:
    def __init__(self, i):
        self.i = i
    def set(self, values):
        LOG.append(["set", self.i, {k: float(v) for k, v in values.items()}])
class Network:
    def __init__(self, sim, net, stim):
        self.sim, self.net, self.stim = sim, net, stim
        self.DC_amp = np.array([100.0 + i for i in range(8)])
        scaled = np.round(net["full_num_neurons"] * net["N_scaling"])  # fails on a plain list
        LOG.append(["init", [k for k in list(net) + list(stim) if isinstance({**net, **stim}[k], np.ndarray)]])
    def setup_nest(self):
        LOG.append(["setup_nest"])
    def create(self):
        self.pops = [Pop(i) for i in range(8)]
        LOG.append(["create"])
    def connect(self):
        LOG.append(["connect"])
    def simulate(self, t):
        LOG.append(["simulate", t])
    def store_metadata(self):
        LOG.append(["store_metadata"])
        plain = lambda d: {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in d.items()}
        with open(os.environ["STUB_LOG"], "w") as f:
            json.dump({"log": LOG, "sim": plain(self.sim), "net": plain(self.net)}, f)
)PY";
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("PYTHONPATH", dir.path() + "/stub");
        env.insert("STUB_LOG", dir.path() + "/log.json");
        QString out;
        // From another working folder: paths are taken from the script's folder.
        const int rc = runProgram(MC_PYTHON, {dir.path() + "/export/run_microcircuit.py", "--threads", "3"}, &out, env,
                                  QDir::tempPath());
        QVERIFY2(rc == 0, qPrintable(out));
        QVERIFY2(out.contains("events.json holds timed changes"), qPrintable(out));
        const json r = readJson(d + "/log.json");
        const json& log = r["log"];
        std::vector<std::string> steps;
        for (const auto& e : log)
            steps.push_back(e[0].get<std::string>());
        const std::vector<std::string> expected = {"init", "setup_nest", "create",   "set",      "set",
                                                   "set",  "set",        "set",      "set",      "set",
                                                   "set",  "connect",    "simulate", "simulate", "store_metadata"};
        QCOMPARE(steps, expected);
        for (const char* key : {"conn_probs", "full_num_neurons", "K_ext", "PSP_matrix_mean", "conn_probs_th"})
            QVERIFY2(std::find(log[0][1].begin(), log[0][1].end(), key) != log[0][1].end(), key);
        QCOMPARE(log[12][1].get<double>(), config.sim.t_presim);
        QCOMPARE(log[13][1].get<double>(), config.sim.t_sim);
        QCOMPARE(r["sim"]["local_num_threads"].get<int>(), 3);
        QCOMPARE(r["sim"]["data_path"].get<std::string>(), (fs::path(d) / "export" / "data").string() + "/");
        // Every population gets every neuron parameter; per-population values and I_e on top of DC_amp.
        const json& pop0 = log[3][2];
        const json& pop1 = log[4][2];
        const json& pop3 = log[6][2];
        QCOMPARE(pop0["C_m"].get<double>(), 240.0);
        QCOMPARE(pop0["tau_syn_ex"].get<double>(), 0.5);
        QCOMPARE(pop0["E_L"].get<double>(), -65.0);
        QCOMPARE(pop3["E_L"].get<double>(), -66.0);
        QCOMPARE(pop0["I_e"].get<double>(), 100.0);
        QCOMPARE(pop1["I_e"].get<double>(), 111.0);
        // A configuration the reference cannot run stops with a message, not a NEST error.
        Config bad = config;
        bad.net.neuron.tau_m[2] = 12.0;
        const NestExport e = exportForNest(bad, d + "/bad");
        QVERIFY(!e.warnings.empty());
        QCOMPARE(runProgram(MC_PYTHON, {dir.path() + "/bad/run_microcircuit.py"}, &out, env), 1);
        QVERIFY2(out.contains("neuron_params.tau_m differs between populations"), qPrintable(out));
        // Without NEST: a clear message.
        QCOMPARE(runProgram(MC_PYTHON, {dir.path() + "/export/run_microcircuit.py"}, &out), 1);
        QVERIFY2(out.contains("needs NEST 3 (PyNEST)"), qPrintable(out));
    }

    void badFolder() {
        QTemporaryDir dir;
        std::ofstream(dir.path().toStdString() + "/file") << "x";
        QVERIFY_THROWS_EXCEPTION(ConfigError, exportForNest(Config{}, dir.path().toStdString() + "/file"));
        QString out;
        QCOMPARE(runProgram(MC_BINARY, {"export-nest", dir.path() + "/file/sub"}, &out), 2);
        QVERIFY2(out.contains("cannot be created"), qPrintable(out));
    }

    // A folder that holds anything is refused and left as it was; --overwrite
    // replaces an earlier export whole, but never removes a file microcircuit
    // did not write.
    void holdsExactlyOneExport() {
        QTemporaryDir dir;
        const QString target = dir.path() + "/nest";
        const std::string t = target.toStdString();
        QString out;
        QCOMPARE(runProgram(MC_BINARY, {"export-nest", target, "--seed", "7"}, &out), 0);
        QCOMPARE(readJson(t + "/sim_dict.json")["rng_seed"].get<int>(), 7);
        // The user edited the export by hand: a second export must not silently replace it.
        writeTextFileAtomic(t + "/sim_dict.json", "{\"rng_seed\": 99}\n");
        QCOMPARE(runProgram(MC_BINARY, {"export-nest", target, "--seed", "8"}, &out), 2);
        QVERIFY2(out.contains("already holds files") && out.contains("--overwrite"), qPrintable(out));
        QCOMPARE(readJson(t + "/sim_dict.json")["rng_seed"].get<int>(), 99);
        // With --overwrite: replaced whole.
        QCOMPARE(runProgram(MC_BINARY, {"export-nest", target, "--seed", "8", "--overwrite"}, &out), 0);
        QCOMPARE(readJson(t + "/sim_dict.json")["rng_seed"].get<int>(), 8);
        // A file of the user's beside the export: refused even with --overwrite, nothing touched.
        writeTextFileAtomic(t + "/my_notes.txt", "keep me\n");
        QCOMPARE(runProgram(MC_BINARY, {"export-nest", target, "--seed", "9", "--overwrite"}, &out), 2);
        QVERIFY2(out.contains("my_notes.txt"), qPrintable(out));
        QCOMPARE(readTextFile(t + "/my_notes.txt"), std::string("keep me\n"));
        QCOMPARE(readJson(t + "/sim_dict.json")["rng_seed"].get<int>(), 8);
        // Nothing was left beside the folder.
        QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot), QStringList{"nest"});
        // The same rules for the window's File → Export → For NEST… (one implementation).
        QVERIFY_THROWS_EXCEPTION(ConfigError, exportForNestFolder(Config{}, t, true));
        QCOMPARE(readTextFile(t + "/my_notes.txt"), std::string("keep me\n"));
    }
};

QTEST_GUILESS_MAIN(TestExportNest)
#include "test_export_nest.moc"
