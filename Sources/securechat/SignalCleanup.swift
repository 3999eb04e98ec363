#if canImport(Glibc)
import Glibc
#endif

/// What an interrupted command must undo before it dies: the temporary file of an output not
/// yet committed (it may hold plaintext), and a terminal left without echo by a passphrase
/// prompt. The handler does only async-signal-safe work (unlink, tcsetattr), then re-raises the
/// signal so the exit status still says how the process ended.
enum SignalCleanup {
    nonisolated(unsafe) private static var temporaryPath: UnsafeMutablePointer<CChar>?
    nonisolated(unsafe) private static var terminalFD: Int32 = -1
    nonisolated(unsafe) private static var savedTerminal = termios()

    static func install() {
        // A parent may hand down these signals blocked (threads of some runtimes block them);
        // an interrupted command must still stop and clean up.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&unblock, sig) }
        sigprocmask(SIG_UNBLOCK, &unblock, nil)
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            // A signal the parent chose to ignore (a background job's SIGINT) stays ignored.
            var current = sigaction()
            if sigaction(sig, nil, &current) == 0, let h = current.__sigaction_handler.sa_handler,
               unsafeBitCast(h, to: Int.self) == 1 /* SIG_IGN */ { continue }
            signal(sig) { sig in
                if let p = SignalCleanup.temporaryPath { unlink(p) }
                if SignalCleanup.terminalFD >= 0 { tcsetattr(SignalCleanup.terminalFD, TCSANOW, &SignalCleanup.savedTerminal) }
                signal(sig, SIG_DFL)
                raise(sig)
            }
        }
    }

    /// The temporary file to remove if a signal arrives now (nil: none).
    static func removeOnSignal(_ path: String?) {
        let old = temporaryPath
        temporaryPath = path.map { strdup($0) }
        free(old)
    }

    /// The terminal settings to restore if a signal arrives now (fd -1: none).
    static func restoreOnSignal(fd: Int32, settings: termios) {
        savedTerminal = settings
        terminalFD = fd
    }
}
