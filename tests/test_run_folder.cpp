// Run folders under faults, through the real executable (issue 11): a folder
// holds exactly one run; a refused or failed run never changes an earlier
// run's files; a full disk (a small tmpfs when root, else RLIMIT_FSIZE) stops
// the run with every file whole; two runs into one folder cannot mix; and
// `--no-record` without `--out` writes nothing. Every folder a run leaves is
// read back by `microcircuit analyze`.
#include <QtTest/QtTest>

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include "microcircuit/errors.hpp"
#include "microcircuit/model.hpp"
#include "microcircuit/output_folder.hpp"

#include <csignal>
#include <sys/resource.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef MC_BINARY
#error "MC_BINARY (path of the microcircuit executable) must be defined by the build"
#endif

namespace {

struct Result {
    int exitCode = -1;
    bool crashed = true;
    QString out, err;
};

/// Runs the program in `workDir`; `fileSizeLimit` > 0 sets RLIMIT_FSIZE
/// (bytes) in the child, with SIGXFSZ ignored so that writes fail with EFBIG.
Result runCli(const QStringList& args, const QString& workDir, qint64 fileSizeLimit = 0) {
    QProcess p;
    p.setWorkingDirectory(workDir);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    p.setProcessEnvironment(env);
    if (fileSizeLimit > 0)
        p.setChildProcessModifier([fileSizeLimit] {
            std::signal(SIGXFSZ, SIG_IGN);
            const rlimit r{static_cast<rlim_t>(fileSizeLimit), static_cast<rlim_t>(fileSizeLimit)};
            setrlimit(RLIMIT_FSIZE, &r);
        });
    p.start(QStringLiteral(MC_BINARY), args);
    Result r;
    if (!p.waitForStarted(10000)) return r;
    if (!p.waitForFinished(180000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.crashed = p.exitStatus() != QProcess::NormalExit;
    r.exitCode = p.exitCode();
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// Every file of a folder with its bytes and modification time.
struct Snapshot {
    QMap<QString, QByteArray> bytes;
    QMap<QString, qint64> mtimes;
    bool operator==(const Snapshot&) const = default;
};

Snapshot snapshot(const QString& folder) {
    Snapshot s;
    for (const QFileInfo& f : QDir(folder).entryInfoList(QDir::Files | QDir::Hidden | QDir::System)) {
        s.bytes[f.fileName()] = readAll(f.filePath());
        s.mtimes[f.fileName()] = f.lastModified().toMSecsSinceEpoch();
    }
    return s;
}

QStringList entries(const QString& folder) {
    return QDir(folder).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden, QDir::Name);
}

/// Checks that `folder` holds one whole run: every file ends on a complete
/// line, no ".part" file, 8 spike files named after population_nodeids.dat
/// whose senders lie in their population's range, and `analyze` reads it.
/// Returns a description of the first problem, or an empty string.
QString checkRunFolder(const QString& folder, const QString& workDir) {
    const QStringList names = entries(folder);
    for (const QString& n : names) {
        if (n.endsWith(".part")) return folder + ": leftover " + n;
        const QByteArray b = readAll(folder + "/" + n);
        if (!n.endsWith(".png") && !b.isEmpty() && !b.endsWith('\n'))
            return folder + "/" + n + " does not end on a complete line";
    }
    QList<QPair<qint64, qint64>> ids;
    for (const QByteArray& l : readAll(folder + "/population_nodeids.dat").split('\n')) {
        const QList<QByteArray> parts = l.split(' ');
        if (parts.size() == 2) ids.append({parts[0].toLongLong(), parts[1].toLongLong()});
    }
    if (ids.size() != 8) return folder + ": population_nodeids.dat has " + QString::number(ids.size()) + " rows";
    const QStringList spikeFiles = QDir(folder).entryList({"spike_recorder-*.dat"}, QDir::Files, QDir::Name);
    if (spikeFiles.size() != 8) return folder + ": " + QString::number(spikeFiles.size()) + " spike files";
    for (int p = 0; p < 8; ++p) {
        const QString name = QString("spike_recorder-%1-0.dat").arg(ids[7].second + 1 + p);
        if (!spikeFiles.contains(name)) return folder + ": no " + name + " (a spike file of another run?)";
        const QList<QByteArray> lines = readAll(folder + "/" + name).split('\n');
        for (int i = 3; i < lines.size(); ++i) {
            if (lines[i].isEmpty()) continue;
            const qint64 sender = lines[i].split('\t').value(0).toLongLong();
            if (sender < ids[p].first || sender > ids[p].second)
                return folder + "/" + name + ": sender " + QString::number(sender) + " outside its population";
        }
    }
    const Result a = runCli({"analyze", folder, "--t-min", "0", "-q"}, workDir);
    if (a.crashed || a.exitCode != 0) return folder + ": analyze failed: " + a.err;
    return {};
}

double simDictValue(const QString& folder, const char* key) {
    return QJsonDocument::fromJson(readAll(folder + "/sim_dict.json")).object().value(key).toDouble(-1);
}

const QStringList kShortRun = {"run", "--scale", "0.02", "--t-presim", "50", "--t-sim", "200", "--threads", "1",
                               "--no-figures", "-q"};

/// Unmounts a tmpfs when the test ends, whatever happens.
struct Mount {
    QString path;
    bool mounted = false;
    ~Mount() {
        if (mounted) QProcess::execute("umount", {path});
    }
};

} // namespace

class TestRunFolder : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    QString path(const QString& name) const { return m_dir.filePath(name); }

    /// A short run into `name` (a fresh folder in its own parent `name`_parent).
    QString earlierRun(const QString& name) {
        QDir(m_dir.path()).mkpath(name + "_parent");
        const QString out = path(name + "_parent/" + name);
        const Result r = runCli(kShortRun + QStringList{"--out", out}, m_dir.path());
        if (r.exitCode != 0) qWarning("earlier run failed: %s", qPrintable(r.err));
        return r.exitCode == 0 ? out : QString();
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFile::exists(QStringLiteral(MC_BINARY)), MC_BINARY);
    }

    // A rerun into a folder that holds a run is refused; nothing changes.
    void refusesAFolderThatHoldsARun() {
        const QString out = earlierRun("holds");
        QVERIFY(!out.isEmpty());
        const Snapshot before = snapshot(out);
        const Result r = runCli({"run", "--scale", "0.03", "--t-sim", "100", "--out", out, "--no-figures", "-q"},
                                m_dir.path());
        QVERIFY(!r.crashed);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(out) && r.err.contains("--overwrite"), qPrintable(r.err));
        QVERIFY(snapshot(out) == before);
        QCOMPARE(entries(QFileInfo(out).path()), QStringList{"holds"}); // no lock, no work folder left
        QVERIFY2(checkRunFolder(out, m_dir.path()).isEmpty(), qPrintable(checkRunFolder(out, m_dir.path())));
    }

    // --overwrite at another scale: the folder then holds the new run only.
    void overwriteAtAnotherScaleLeavesOnlyTheNewRun() {
        const QString out = earlierRun("rescaled");
        QVERIFY(!out.isEmpty());
        const QStringList oldSpikeFiles = QDir(out).entryList({"spike_recorder-*.dat"});
        const Result r = runCli({"run", "--scale", "0.03", "--t-presim", "50", "--t-sim", "200", "--threads", "1",
                                 "--out", out, "--overwrite", "--no-figures", "-q"},
                                m_dir.path());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(simDictValue(out, "t_sim"), 200.0);
        QCOMPARE(QJsonDocument::fromJson(readAll(out + "/net_dict.json")).object().value("N_scaling").toDouble(), 0.03);
        const QStringList newSpikeFiles = QDir(out).entryList({"spike_recorder-*.dat"});
        QCOMPARE(newSpikeFiles.size(), 8);
        for (const QString& f : oldSpikeFiles) QVERIFY2(!newSpikeFiles.contains(f), qPrintable(f));
        QVERIFY2(checkRunFolder(out, m_dir.path()).isEmpty(), qPrintable(checkRunFolder(out, m_dir.path())));
        QCOMPARE(entries(QFileInfo(out).path()), QStringList{"rescaled"});
    }

    // --overwrite removes only files microcircuit writes: a folder that also
    // holds the user's files is refused, unchanged.
    void overwriteRefusesAFolderWithOtherFiles() {
        const QString out = earlierRun("foreign");
        QVERIFY(!out.isEmpty());
        QFile notes(out + "/notes.txt");
        QVERIFY(notes.open(QIODevice::WriteOnly));
        notes.write("my notes\n");
        notes.close();
        const Snapshot before = snapshot(out);
        const Result r = runCli(kShortRun + QStringList{"--out", out, "--overwrite"}, m_dir.path());
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("notes.txt"), qPrintable(r.err));
        QVERIFY(snapshot(out) == before);
    }

    // A file put into the old folder while --overwrite runs is not deleted:
    // the new run takes the name, the old folder keeps that file only.
    void fileAddedDuringOverwriteIsKept() {
        const QString out = earlierRun("added");
        QVERIFY(!out.isEmpty());
        QProcess p;
        p.setWorkingDirectory(m_dir.path());
        p.start(QStringLiteral(MC_BINARY), {"run", "--scale", "0.02", "--t-presim", "0", "--t-sim", "20000", "--out",
                                            out, "--overwrite", "--no-figures", "-q"});
        QVERIFY(p.waitForStarted(10000));
        const QString pid = QString::number(p.processId());
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(out + ".incomplete-" + pid), 30000);
        QFile notes(out + "/notes.txt");
        QVERIFY(notes.open(QIODevice::WriteOnly));
        notes.write("written during the run\n");
        notes.close();
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitCode(), 0);
        const QString err = QString::fromUtf8(p.readAllStandardError());
        const QString kept = out + ".replaced-" + pid;
        QVERIFY2(err.contains(kept), qPrintable(err));
        QCOMPARE(entries(kept), QStringList{"notes.txt"});
        QVERIFY(!QFile::exists(out + "/notes.txt"));
        QCOMPARE(simDictValue(out, "t_sim"), 20000.0);
        QVERIFY2(checkRunFolder(out, m_dir.path()).isEmpty(), qPrintable(checkRunFolder(out, m_dir.path())));
    }

    // A write-protected spike file of the old run: refused before anything is
    // touched, with and without --overwrite; the old run stays whole.
    void readOnlyOldSpikeFileNeverDamagesTheOldRun() {
        const QString out = earlierRun("readonly");
        QVERIFY(!out.isEmpty());
        const QString victim = out + "/" + QDir(out).entryList({"spike_recorder-*.dat"}).value(2);
        QVERIFY(QFile::setPermissions(victim, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther));
        const Snapshot before = snapshot(out);
        for (const bool overwrite : {false, true}) {
            QStringList args = {"run", "--scale", "0.03", "--t-sim", "100", "--out", out, "--no-figures", "-q"};
            if (overwrite) args << "--overwrite";
            const Result r = runCli(args, m_dir.path());
            QVERIFY(!r.crashed);
            QCOMPARE(r.exitCode, 2);
            if (overwrite)
                QVERIFY2(r.err.contains(QFileInfo(victim).fileName()) && r.err.contains("write-protected"),
                         qPrintable(r.err));
            QVERIFY(snapshot(out) == before);
        }
        QCOMPARE(entries(QFileInfo(out).path()), QStringList{"readonly"});
        QVERIFY2(checkRunFolder(out, m_dir.path()).isEmpty(), qPrintable(checkRunFolder(out, m_dir.path())));
    }

    // Two runs into one folder at once: the second is refused naming the
    // first one's pid; the first, interrupted, leaves its own readable folder
    // and the earlier run in the folder unchanged.
    void concurrentRunsIntoOneFolder() {
        const QString out = earlierRun("busy");
        QVERIFY(!out.isEmpty());
        const Snapshot before = snapshot(out);
        QProcess first;
        first.setWorkingDirectory(m_dir.path());
        first.start(QStringLiteral(MC_BINARY), {"run", "--scale", "0.02", "--t-presim", "0", "--t-sim", "600000",
                                                "--out", out, "--overwrite", "--no-figures", "-q"});
        QVERIFY(first.waitForStarted(10000));
        const QString pid = QString::number(first.processId());
        const QString work = out + ".incomplete-" + pid;
        QTRY_VERIFY_WITH_TIMEOUT(readAll(out + ".lock").trimmed() == pid.toUtf8(), 30000);
        // Let it write spikes for a while.
        QTRY_COMPARE_WITH_TIMEOUT(QDir(work).entryList({"spike_recorder-*.dat"}).size(), 8, 30000);
        QTest::qWait(1500);

        const Result second = runCli(kShortRun + QStringList{"--out", out, "--overwrite"}, m_dir.path());
        QCOMPARE(second.exitCode, 2);
        QVERIFY2(second.err.contains("pid " + pid), qPrintable(second.err));
        QCOMPARE(first.state(), QProcess::Running);

        ::kill(static_cast<pid_t>(first.processId()), SIGINT);
        if (!first.waitForFinished(30000)) {
            first.kill();
            first.waitForFinished();
            QFAIL("the first run did not stop within 30 s of SIGINT");
        }
        QCOMPARE(first.exitCode(), 130);
        const QString kept = out + ".interrupted-" + pid;
        QVERIFY2(QString::fromUtf8(first.readAllStandardError()).contains(kept), "the message names the folder");
        QVERIFY(snapshot(out) == before);
        QCOMPARE(entries(QFileInfo(out).path()), (QStringList{"busy", "busy.interrupted-" + pid}));
        QVERIFY2(checkRunFolder(kept, m_dir.path()).isEmpty(), qPrintable(checkRunFolder(kept, m_dir.path())));
        // sim_dict.json gives the time really simulated, not the planned 600 s.
        const double tSim = simDictValue(kept, "t_sim");
        QVERIFY2(tSim > 0 && tSim < 600000, qPrintable(QString::number(tSim)));
    }

    // SIGKILL: no chance to clean up. The folder given is unchanged, the
    // killed run's files stay in "<out>.incomplete-<pid>", and its stale lock
    // file does not block the next run, which points out the leftover.
    void killedRunBlocksNothing() {
        const QString out = earlierRun("killed");
        QVERIFY(!out.isEmpty());
        const Snapshot before = snapshot(out);
        QProcess p;
        p.setWorkingDirectory(m_dir.path());
        p.start(QStringLiteral(MC_BINARY), {"run", "--scale", "0.02", "--t-presim", "0", "--t-sim", "600000", "--out",
                                            out, "--overwrite", "--no-figures", "-q"});
        QVERIFY(p.waitForStarted(10000));
        const QString pid = QString::number(p.processId());
        const QString work = out + ".incomplete-" + pid;
        QTRY_COMPARE_WITH_TIMEOUT(QDir(work).entryList({"spike_recorder-*.dat"}).size(), 8, 30000);
        QTest::qWait(500);
        p.kill();
        QVERIFY(p.waitForFinished(10000));
        QVERIFY(snapshot(out) == before);
        QVERIFY(QFile::exists(out + ".lock"));
        const Snapshot killed = snapshot(work);

        const Result r = runCli(kShortRun + QStringList{"--out", out, "--overwrite", "--seed", "9"}, m_dir.path());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(work), qPrintable(r.err));
        QCOMPARE(simDictValue(out, "rng_seed"), 9.0);
        QVERIFY2(checkRunFolder(out, m_dir.path()).isEmpty(), qPrintable(checkRunFolder(out, m_dir.path())));
        QVERIFY(snapshot(work) == killed);
        QCOMPARE(entries(QFileInfo(out).path()), (QStringList{"killed", "killed.incomplete-" + pid}));
    }

    // A full disk stops the run: exit 1, a message saying how far it got; the
    // folder given keeps the earlier run; the partial run's files, kept apart,
    // all end on a complete line and analyze reads them.
    void diskFull_data() {
        QTest::addColumn<bool>("tmpfs");
        QTest::newRow("tmpfs of 256 KiB") << true;
        QTest::newRow("file size limit of 64 KiB") << false;
    }
    void diskFull() {
        QFETCH(bool, tmpfs);
        Mount mount;
        QString parent = path(tmpfs ? "small_disk" : "size_limit");
        QVERIFY(QDir().mkpath(parent));
        qint64 limit = 0;
        if (tmpfs) {
            if (::geteuid() != 0) QSKIP("mounting a tmpfs needs root (the file size limit row covers this)");
            mount.path = parent;
            mount.mounted = QProcess::execute("mount", {"-t", "tmpfs", "-o", "size=256k", "tmpfs", parent}) == 0;
            if (!mount.mounted) QSKIP("cannot mount a tmpfs here");
        } else {
            limit = 64 * 1024;
        }
        const QString out = parent + "/run";
        QVERIFY(runCli(kShortRun + QStringList{"--out", out}, m_dir.path()).exitCode == 0);
        const Snapshot before = snapshot(out);
        const Result r = runCli({"run", "--scale", "0.05", "--t-presim", "0", "--t-sim", "30000", "--threads", "2",
                                 "--out", out, "--overwrite", "--no-figures", "-q"},
                                m_dir.path(), limit);
        QVERIFY(!r.crashed);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(tmpfs ? "No space left on device" : "File too large"), qPrintable(r.err));
        QVERIFY2(r.err.contains("holds every spike up to"), qPrintable(r.err));
        QVERIFY(snapshot(out) == before);
        const QStringList left = entries(parent);
        QCOMPARE(left.size(), 2);
        const QString kept = parent + "/" + left.value(1);
        QVERIFY2(left.value(1).startsWith("run.interrupted-"), qPrintable(left.join(' ')));
        QVERIFY2(r.err.contains(kept + "/spike_recorder-") && !r.err.contains(".incomplete-"), qPrintable(r.err));
        QVERIFY2(checkRunFolder(kept, m_dir.path()).isEmpty(), qPrintable(checkRunFolder(kept, m_dir.path())));
        // The message's time is the end of what the files hold.
        static const QRegularExpression upTo("holds every spike up to ([0-9.]+) ms");
        const double validMs = upTo.match(r.err).captured(1).toDouble();
        QVERIFY(validMs > 0 && validMs < 30000);
        double lastSpike = 0;
        for (const QString& f : QDir(kept).entryList({"spike_recorder-*.dat"})) {
            const QList<QByteArray> lines = readAll(kept + "/" + f).trimmed().split('\n');
            if (lines.size() > 3) lastSpike = std::max(lastSpike, lines.last().split('\t').value(1).toDouble());
        }
        QVERIFY2(lastSpike > validMs - 100 && lastSpike <= validMs,
                 qPrintable(QString("last spike %1 ms, message %2 ms").arg(lastSpike).arg(validMs)));
    }

    // A figure that does not fit is removed and the exit status says so; the
    // run's data are complete in the folder.
    void figureOnFullDiskIsRemoved() {
#ifndef MC_WITH_GUI
        QSKIP("built without Qt GUI: no figures");
#endif
        const QString out = path("figures_full");
        // Large enough for every data file of this run, too small for raster.png.
        const Result r = runCli({"run", "--scale", "0.02", "--t-presim", "50", "--t-sim", "200", "--threads", "1",
                                 "--out", out, "-q"},
                                m_dir.path(), 12 * 1024);
        QVERIFY(!r.crashed);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("raster.png") && r.err.contains("File too large"), qPrintable(r.err));
        QVERIFY(!QFile::exists(out + "/raster.png"));
        for (const QString& f : entries(out)) QVERIFY2(!f.endsWith(".part"), qPrintable(f));
        QVERIFY2(checkRunFolder(out, m_dir.path()).isEmpty(), qPrintable(checkRunFolder(out, m_dir.path())));
        // analyze --figures under the same limit: the failed figure is gone,
        // also an older one of that name (it would belong to other data).
        const QString figs = path("figures_full_analyze");
        QVERIFY(QDir().mkpath(figs));
        QFile stale(figs + "/raster.png");
        QVERIFY(stale.open(QIODevice::WriteOnly));
        stale.write("an older figure");
        stale.close();
        const Result a = runCli({"analyze", out, "--t-min", "0", "--figures", "--figures-out", figs, "-q"},
                                m_dir.path(), 12 * 1024);
        QVERIFY(!a.crashed);
        QCOMPARE(a.exitCode, 1);
        QVERIFY2(a.err.contains("raster.png") && a.err.contains("File too large"), qPrintable(a.err));
        QVERIFY(!QFile::exists(figs + "/raster.png"));
        for (const QString& f : entries(figs)) QVERIFY2(!f.endsWith(".part"), qPrintable(f));
        // Without the limit the same run draws both figures, whole PNGs.
        const QString ok = path("figures_ok");
        const Result full = runCli({"run", "--scale", "0.02", "--t-presim", "50", "--t-sim", "200", "--threads", "1",
                                    "--out", ok, "-q"},
                                   m_dir.path());
        QVERIFY2(full.exitCode == 0, qPrintable(full.err));
        for (const char* f : {"/raster.png", "/boxplot.png"}) {
            const QByteArray png = readAll(ok + f);
            QVERIFY2(png.size() > 12 * 1024 || QByteArray(f) == "/boxplot.png", f); // the limit above bites
            QVERIFY2(png.startsWith("\x89PNG") && png.right(8).startsWith("IEND"), f);
        }
    }

    // --no-record without --out writes nothing at all; with --out, no spikes.
    void noRecordWritesNothing() {
        const QString work = path("norecord");
        QVERIFY(QDir().mkpath(work));
        const Result r = runCli({"run", "--scale", "0.02", "--t-presim", "0", "--t-sim", "100", "--no-record", "-q"}, work);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("mean rates"), qPrintable(r.out));
        QCOMPARE(entries(work), QStringList());
        const Result o = runCli({"run", "--scale", "0.02", "--t-presim", "0", "--t-sim", "100", "--no-record", "-q",
                                 "--out", work + "/params"},
                                work);
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        QCOMPARE(entries(work), QStringList{"params"});
        QVERIFY(QFile::exists(work + "/params/sim_dict.json"));
        QVERIFY(QDir(work + "/params").entryList({"spike_recorder-*"}).isEmpty());
    }

    // A mount point cannot be renamed into: refused before the build, with a
    // way out, rather than failing at the end of a long run.
    void mountPointIsRefused() {
        if (::geteuid() != 0) QSKIP("mounting a tmpfs needs root");
        Mount mount;
        mount.path = path("mounted");
        QVERIFY(QDir().mkpath(mount.path));
        mount.mounted = QProcess::execute("mount", {"-t", "tmpfs", "-o", "size=1m", "tmpfs", mount.path}) == 0;
        if (!mount.mounted) QSKIP("cannot mount a tmpfs here");
        const Result r = runCli(kShortRun + QStringList{"--out", mount.path}, m_dir.path());
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("mount point") && r.err.contains(mount.path + "/run1"), qPrintable(r.err));
        QCOMPARE(entries(mount.path), QStringList());
        QVERIFY(!QFile::exists(mount.path + ".lock"));
        const Result inside = runCli(kShortRun + QStringList{"--out", mount.path + "/run1"}, m_dir.path());
        QVERIFY2(inside.exitCode == 0, qPrintable(inside.err));
        QVERIFY2(checkRunFolder(mount.path + "/run1", m_dir.path()).isEmpty(), "run inside the mount point");
    }

    // The GUI's NEST export writes through OutputFolder in one chunk: a write
    // that fails there is reported by finish() (WriteError naming the file),
    // and every spike file is cut back to whole lines (here: the header).
    void outputFolderReportsAFailedWrite() {
        mc::Config config;
        config.net.N_scaling = config.net.K_scaling = 0.02;
        const mc::DerivedParams derived = mc::deriveParameters(config);
        std::vector<mc::Spike> spikes;
        for (std::int32_t step = 0; step < 20000; ++step) spikes.push_back({step % derived.num_neurons[0], step});
        const QString out = path("export_limited");
        rlimit old{};
        QVERIFY(getrlimit(RLIMIT_FSIZE, &old) == 0);
        const auto previous = std::signal(SIGXFSZ, SIG_IGN);
        rlimit small = old;
        small.rlim_cur = 32 * 1024; // the dictionaries fit, 20000 spike lines do not
        QVERIFY(setrlimit(RLIMIT_FSIZE, &small) == 0);
        QString message;
        try {
            mc::OutputFolder folder(out.toStdString(), config, derived);
            folder.onSpikes(spikes, 20000);
            QVERIFY(folder.failed());
            folder.finish();
        } catch (const mc::WriteError& e) {
            message = QString::fromUtf8(e.what());
        }
        setrlimit(RLIMIT_FSIZE, &old);
        std::signal(SIGXFSZ, previous);
        QVERIFY2(message.contains("spike_recorder-") && message.contains("File too large"), qPrintable(message));
        const QStringList files = entries(out);
        QCOMPARE(files.filter("spike_recorder-").size(), 8);
        for (const QString& f : files) {
            QVERIFY2(!f.endsWith(".part"), qPrintable(f));
            if (f.startsWith("spike_recorder-"))
                QCOMPARE(readAll(out + "/" + f), QByteArray("# NEST version: 3.9\n# RecordingBackendASCII version: 2\n"
                                                            "sender\ttime_ms\n"));
        }
        QVERIFY(QFile::exists(out + "/rates.csv"));
    }

    void emptyOutIsRefused() {
        const Result r = runCli({"run", "--scale", "0.02", "--t-sim", "10", "--out", ""}, m_dir.path());
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--out"), qPrintable(r.err));
        QVERIFY(!QFile::exists(path("data")));
    }
};

QTEST_GUILESS_MAIN(TestRunFolder)
#include "test_run_folder.moc"
