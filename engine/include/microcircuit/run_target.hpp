// The folder a run writes into, protected (docs/guarantees.md):
// - one run per folder: an existing folder that holds files is refused, unless
//   `overwrite`; then only files this program writes may be in it, and none of
//   them write-protected (checked before anything is touched);
// - one writer per folder: an exclusive flock on "<folder>.lock" beside it,
//   holding the pid of the run that owns it;
// - the run writes into "<folder>.incomplete-<pid>" beside it; commit() puts
//   that in place of the folder (the old run's files are removed only then),
//   abandon() renames it "<folder>.interrupted-<pid>". A killed run leaves
//   "<folder>.incomplete-<pid>", readable like any run folder.
#pragma once

#include <string>
#include <vector>

namespace mc {

class RunTarget {
public:
    /// Takes the lock and checks the folder; creates the work folder.
    /// Throws ConfigError (naming the folder, and the pid of a run holding it).
    /// `alsoOwned`: further file names this writer owns besides the run
    /// files (isRunFileName), e.g. an export's scripts; they may be replaced.
    /// `what` names the folder's content in messages: "run" (whose folder
    /// is --out) or e.g. "export".
    RunTarget(const std::string& folder, bool overwrite, std::vector<std::string> alsoOwned = {},
              const std::string& what = "run");
    /// Releases the lock. A work folder neither committed nor abandoned is
    /// abandoned (renamed as interrupted), never deleted.
    ~RunTarget();
    RunTarget(const RunTarget&) = delete;
    RunTarget& operator=(const RunTarget&) = delete;

    /// Where the run writes its files now.
    const std::string& workPath() const { return m_work; }
    /// The folder the user asked for.
    const std::string& finalPath() const { return m_final; }

    /// Puts the finished run in place of the folder; returns the folder.
    /// Throws WriteError if a rename fails (the run then stays in the work
    /// folder, to be abandon()ed; the old folder is unchanged).
    std::string commit();
    /// Renames the work folder "<folder>.interrupted-<pid>"; returns its path
    /// (the work folder's own if the rename fails).
    std::string abandon();
    /// Removes the work folder (only files this program writes in it); for a
    /// run that stopped before simulating anything.
    void discard();
    /// Set by commit() when something needs the user's attention (files that
    /// appeared in the old folder during the run and were kept).
    const std::string& note() const { return m_note; }
    /// Work folders of earlier runs into this folder that were killed
    /// ("<folder>.incomplete-<pid>", found when the lock was taken).
    const std::vector<std::string>& leftovers() const { return m_leftovers; }

private:
    bool owns(const std::string& name) const;
    std::vector<std::string> m_alsoOwned;
    std::vector<std::string> m_leftovers;
    std::string m_note;
    std::string m_final; ///< absolute
    std::string m_work;
    std::string m_lockPath;
    int m_lockFd = -1;
    bool m_done = false;
};

/// True for a file name this program writes into a run folder (spike files,
/// dicts, population_nodeids.dat, rates.csv, figures, and their ".part").
bool isRunFileName(const std::string& name);

} // namespace mc
