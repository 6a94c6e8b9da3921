import CLibgit2
import Foundation
import RemedyCore

/// What a push callback learns: the remote's word on each reference, and how often
/// credentials were asked for (once is enough: a second ask means they were refused).
private final class PushState {
    var rejection: String?
    var credentialAsks = 0
}

extension Repository {
    /// Pushes `branch` to `remote` through libgit2. Credentials come from the environment
    /// (`REMEDY_GIT_TOKEN`, else `GITHUB_TOKEN`, sent as an HTTPS token) or the SSH agent.
    /// A reference the remote refuses is an error carrying the remote's reason.
    public func push(_ branch: String, to remoteName: String) throws {
        GitSerial.lock.lock()
        defer { GitSerial.lock.unlock() }
        var remote: OpaquePointer?
        let rc = git_remote_lookup(&remote, handle, remoteName)
        if rc < 0 {
            do { try Git.check(rc, "git_remote_lookup") } catch let error as GitError {
                throw RemedyError.badInput("no remote '\(remoteName)' in \(workdir) (\(error.message)); add it with git remote add, or drop --push")
            }
        }
        defer { git_remote_free(remote) }
        let state = PushState()
        let payload = Unmanaged.passUnretained(state).toOpaque()
        var options = git_push_options()
        try Git.check(git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION)), "git_push_options_init")
        options.callbacks.payload = payload
        options.callbacks.credentials = { out, _, usernameFromURL, allowed, payload in
            let state = Unmanaged<PushState>.fromOpaque(payload!).takeUnretainedValue()
            state.credentialAsks += 1
            guard state.credentialAsks == 1 else { return GIT_EAUTH.rawValue }
            let environment = ProcessInfo.processInfo.environment
            if allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0, let token = environment["REMEDY_GIT_TOKEN"] ?? environment["GITHUB_TOKEN"] {
                return git_credential_userpass_plaintext_new(out, "x-access-token", token)
            }
            if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 {
                if let usernameFromURL { return git_credential_ssh_key_from_agent(out, usernameFromURL) }
                return git_credential_ssh_key_from_agent(out, "git")
            }
            return GIT_PASSTHROUGH.rawValue
        }
        options.callbacks.push_update_reference = { reference, status, payload in
            if let status {
                let state = Unmanaged<PushState>.fromOpaque(payload!).takeUnretainedValue()
                state.rejection = "\(reference.map { String(cString: $0) } ?? "?"): \(String(cString: status))"
            }
            return 0
        }
        // Force: the branch holds only Remedy's commits (checked before it was moved).
        var spec: UnsafeMutablePointer<CChar>? = strdup("+refs/heads/\(branch):refs/heads/\(branch)")
        defer { free(spec) }
        let pushed: Int32 = withUnsafeMutablePointer(to: &spec) { pointer in
            var refspecs = git_strarray(strings: pointer, count: 1)
            return git_remote_push(remote, &refspecs, &options)
        }
        if pushed < 0 {
            do { try Git.check(pushed, "git_remote_push") } catch let error as GitError {
                throw RemedyError.badInput("pushing \(branch) to \(remoteName) failed: \(error.message)\(state.credentialAsks > 1 ? " (credentials refused: set REMEDY_GIT_TOKEN or load a key into the SSH agent)" : "")")
            }
        }
        if let rejection = state.rejection {
            throw RemedyError.badInput("\(remoteName) refused \(rejection)")
        }
    }
}
