#include "microcircuit/run_target.hpp"

#include "microcircuit/errors.hpp"
#include "microcircuit/file_write.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>

namespace mc {

namespace fs = std::filesystem;

namespace {

bool endsWith(const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// Up to four names, then "and N more".
std::string listNames(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < 4; ++i) out += (i ? ", " : "") + names[i];
    if (names.size() > 4) out += " and " + std::to_string(names.size() - 4) + " more";
    return out;
}

/// A name beside `base` that does not exist yet: base + tag + pid [+ "-k"].
std::string freshSibling(const std::string& base, const std::string& tag) {
    const std::string stem = base + tag + std::to_string(::getpid());
    std::error_code ec;
    for (int k = 0;; ++k) {
        const std::string name = k == 0 ? stem : stem + "-" + std::to_string(k);
        if (!fs::exists(fs::symlink_status(name, ec))) return name;
    }
}

/// Removes the files this program writes (`owned`) from `dir`, then `dir` if empty.
template <class Owned>
bool removeRunFiles(const std::string& dir, const Owned& owned) {
    std::error_code ec;
    try {
        for (const auto& e : fs::directory_iterator(dir, ec)) {
            const std::string name = e.path().filename().string();
            if (e.is_regular_file(ec) && owned(name)) fs::remove(e.path(), ec);
        }
    } catch (const fs::filesystem_error&) {
        return false;
    }
    return ::rmdir(dir.c_str()) == 0;
}

} // namespace

bool isRunFileName(const std::string& fileName) {
    std::string name = fileName;
    if (endsWith(name, ".part")) name.resize(name.size() - 5);
    // spikes.h5: the SONATA spike report of `run --format sonata|both`;
    // stats.json: a sweep point's statistics (engine/src/sweep/); events.json:
    // the run's timed changes; spectra.* and psth.*: `analyze --spectra/--psth`.
    for (const char* known : {"population_nodeids.dat", "sim_dict.json", "net_dict.json", "stim_dict.json", "rates.csv",
                              "spikes.h5", "stats.json", "events.json", "spectra.csv", "spectra.json", "psth.csv",
                              "psth.json"})
        if (name == known) return true;
    if (name.rfind("spike_recorder-", 0) == 0 && endsWith(name, ".dat")) return true;
    if (name.rfind("voltmeter-", 0) == 0 && endsWith(name, ".dat")) return true;
    for (const char* stem : {"raster", "boxplot", "distributions"})
        for (const char* ext : {".png", ".svg", ".pdf"})
            if (name == std::string(stem) + ext) return true;
    return false;
}

bool RunTarget::owns(const std::string& fileName) const {
    if (isRunFileName(fileName)) return true;
    std::string name = fileName;
    if (endsWith(name, ".part")) name.resize(name.size() - 5);
    return std::find(m_alsoOwned.begin(), m_alsoOwned.end(), name) != m_alsoOwned.end();
}

RunTarget::RunTarget(const std::string& folder, bool overwrite, std::vector<std::string> alsoOwned,
                     const std::string& what)
    : m_alsoOwned(std::move(alsoOwned)) {
    const std::string another = what == "run" ? "another --out" : "another folder";
    const std::string article = std::string("aeiou").find(what.empty() ? 'x' : what[0]) != std::string::npos ? "an " : "a ";
    if (folder.empty())
        throw ConfigError("the output folder (--out, or sim.data_path in a configuration) must not be empty");
    std::error_code ec;
    fs::path p = fs::absolute(folder, ec).lexically_normal();
    if (p.filename().empty()) p = p.parent_path();
    if (p.filename().empty() || p == p.root_path())
        throw ConfigError(folder + ": cannot be a run folder (choose a folder of its own)");
    // A symbolic link to a folder: the run goes where it points.
    if (fs::is_symlink(p, ec) && fs::is_directory(p, ec)) {
        const fs::path target = fs::canonical(p, ec);
        if (!ec) p = target;
    }
    const fs::path parent = p.parent_path();
    fs::create_directories(parent, ec);
    if (!fs::is_directory(parent, ec))
        throw ConfigError(folder + ": the folder " + parent.string() + " cannot be created" +
                          (ec ? " (" + ec.message() + ")" : std::string()));
    // The run is written beside the folder and renamed into place: that needs
    // the parent to be writable and the folder not to be a mount point.
    const std::string inside = "; choose a new folder inside it instead (e.g. " + (p / "run1").string() + ")";
    if (::access(parent.c_str(), W_OK | X_OK) != 0) {
        const int err = errno;
        if (fs::is_directory(p, ec))
            throw ConfigError(folder + ": a run is written beside its folder and renamed into place, but " +
                              parent.string() + " cannot be written (" + errnoText(err) + ")" + inside);
        throw ConfigError(folder + ": cannot be written (" + errnoText(err) + " in " + parent.string() + ")");
    }
    struct stat self {}, above {};
    if (::stat(p.c_str(), &self) == 0 && ::stat(parent.c_str(), &above) == 0 && S_ISDIR(self.st_mode) &&
        self.st_dev != above.st_dev)
        throw ConfigError(folder + ": is a mount point, and a run is written beside its folder and renamed into "
                                   "place" + inside);
    m_final = (fs::weakly_canonical(parent, ec) / p.filename()).string();

    // One writer per folder: the lock is taken before anything is looked at.
    m_lockPath = m_final + ".lock";
    for (;;) {
        m_lockFd = ::open(m_lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (m_lockFd < 0)
            throw ConfigError(m_lockPath + ": the lock file cannot be created (" + errnoText(errno) + ")");
        if (::flock(m_lockFd, LOCK_EX | LOCK_NB) != 0) {
            const int err = errno;
            char buf[32] = {};
            const ssize_t n = ::pread(m_lockFd, buf, sizeof buf - 1, 0);
            ::close(m_lockFd);
            m_lockFd = -1;
            if (err != EWOULDBLOCK)
                throw ConfigError(m_lockPath + ": cannot be locked (" + errnoText(err) + ")");
            std::string pid(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
            while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
            throw ConfigError(m_final + ": another microcircuit run (pid " + (pid.empty() ? "unknown" : pid) +
                              ") is writing into this folder; wait until it ends, or choose " + another);
        }
        // The holder before us may have removed the lock file as it ended:
        // then our lock is on a file nobody else sees; take the new one.
        struct stat held {}, named {};
        if (::fstat(m_lockFd, &held) == 0 && ::stat(m_lockPath.c_str(), &named) == 0 && held.st_ino == named.st_ino &&
            held.st_dev == named.st_dev)
            break;
        ::close(m_lockFd);
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(m_lockFd, 0) != 0 || appendAll(m_lockFd, pid) != 0) {
        // Not fatal: the lock holds; only the pid in a refusal is missing.
    }

    // One run per folder.
    const auto refuse = [&](const std::string& why) {
        ::unlink(m_lockPath.c_str());
        ::close(m_lockFd);
        m_lockFd = -1;
        throw ConfigError(why);
    };
    const fs::file_status st = fs::symlink_status(m_final, ec);
    if (fs::exists(st)) {
        if (!fs::is_directory(st)) refuse(m_final + ": exists and is not a folder");
        std::vector<std::string> all, foreign, protectedFiles;
        try {
            for (const auto& e : fs::directory_iterator(m_final)) {
                std::string name = e.path().filename().string();
                std::error_code fe;
                const bool regular = e.is_regular_file(fe);
                all.push_back(name);
                if (!regular || !owns(name)) {
                    foreign.push_back(regular ? name : name + "/");
                    continue;
                }
                struct stat s {};
                if (::stat(e.path().c_str(), &s) == 0 && (s.st_mode & 0222) == 0) protectedFiles.push_back(name);
            }
        } catch (const fs::filesystem_error& e) {
            refuse(m_final + ": cannot be read (" + e.code().message() + ")");
        }
        std::sort(all.begin(), all.end());
        std::sort(foreign.begin(), foreign.end());
        if (!all.empty()) {
            if (!overwrite)
                refuse(m_final + ": already holds files (" + listNames(all) + "); " + article + what +
                       " folder holds exactly one " + what + ": add --overwrite to replace that " + what +
                       ", or choose " + another);
            if (!foreign.empty())
                refuse(m_final + ": --overwrite removes only files that microcircuit writes, and this folder also "
                                 "holds " + listNames(foreign) + "; move them away, or choose " + another);
            if (!protectedFiles.empty())
                refuse(m_final + "/" + protectedFiles.front() +
                       ": is write-protected; --overwrite does not remove write-protected files (make it writable, "
                       "or choose " + another + ")");
            if (::access(m_final.c_str(), W_OK | X_OK) != 0)
                refuse(m_final + ": cannot be written (" + errnoText(errno) + ")");
        }
    }

    // Work folders of earlier runs into this folder: with the lock held, no
    // run is writing into them, so those runs were killed.
    const std::string prefix = p.filename().string() + ".incomplete-";
    try {
        for (const auto& e : fs::directory_iterator(parent, ec))
            if (e.path().filename().string().rfind(prefix, 0) == 0) m_leftovers.push_back(e.path().string());
    } catch (const fs::filesystem_error&) {
        // Only a note is lost.
    }
    std::sort(m_leftovers.begin(), m_leftovers.end());

    m_work = freshSibling(m_final, ".incomplete-");
    if (::mkdir(m_work.c_str(), 0755) != 0) refuse(m_work + ": cannot be created (" + errnoText(errno) + ")");
}

RunTarget::~RunTarget() {
    if (!m_done) abandon();
    if (m_lockFd >= 0) {
        // Removed while still held: a run that opened it meanwhile sees that
        // its lock is on a removed file, and takes a new one.
        ::unlink(m_lockPath.c_str());
        ::close(m_lockFd);
    }
}

std::string RunTarget::commit() {
    std::error_code ec;
    const fs::file_status st = fs::symlink_status(m_final, ec);
    // A missing or empty folder is replaced by the run in one rename.
    if (!fs::exists(st) || (fs::is_directory(st) && fs::is_empty(m_final, ec))) {
        if (::rename(m_work.c_str(), m_final.c_str()) != 0)
            throw WriteError(m_final + ": the finished run cannot be moved there (" + errnoText(errno) + ")");
        m_done = true;
        return m_final;
    }
    // The previous run (checked when the run started) and the new one swap
    // names in one step where the file system can (RENAME_EXCHANGE); else
    // the old one steps aside first. Only then are the old files removed.
    std::string old;
    if (::renameat2(AT_FDCWD, m_work.c_str(), AT_FDCWD, m_final.c_str(), RENAME_EXCHANGE) == 0) {
        old = m_work;
    } else {
        old = freshSibling(m_final, ".replaced-");
        if (::rename(m_final.c_str(), old.c_str()) != 0)
            throw WriteError(m_final + ": the previous run cannot be moved aside (" + errnoText(errno) + ")");
        if (::rename(m_work.c_str(), m_final.c_str()) != 0) {
            const int err = errno;
            ::rename(old.c_str(), m_final.c_str());
            throw WriteError(m_final + ": the finished run cannot be moved there (" + errnoText(err) + ")");
        }
    }
    m_done = true;
    if (!removeRunFiles(old, [this](const std::string& n) { return owns(n); })) {
        // Files that appeared in the old folder during the run are kept,
        // under a name that says what the folder is.
        std::string kept = old;
        if (old == m_work) {
            kept = freshSibling(m_final, ".replaced-");
            if (::rename(old.c_str(), kept.c_str()) != 0) kept = old;
        }
        m_note = kept + " holds files that appeared in " + m_final +
                 " during the run; the previous run's own files were removed";
    }
    return m_final;
}

std::string RunTarget::abandon() {
    m_done = true;
    const std::string to = freshSibling(m_final, ".interrupted-");
    if (::rename(m_work.c_str(), to.c_str()) != 0) return m_work;
    return to;
}

void RunTarget::discard() {
    m_done = true;
    removeRunFiles(m_work, [this](const std::string& n) { return owns(n); });
}

} // namespace mc
