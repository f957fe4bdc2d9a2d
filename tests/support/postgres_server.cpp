// The throwaway PostgreSQL server of postgres_server.h.
#include "support/postgres_server.h"

#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "support/test_env.h"

namespace fs = std::filesystem;

namespace polysim::test {
namespace {

fs::path postgresBinDir() {
    fs::path best;
    std::error_code ec;
    for (const auto& v : fs::directory_iterator("/usr/lib/postgresql", ec))
        if (fs::exists(v.path() / "bin" / "initdb") && v.path() > best) best = v.path();
    if (best.empty())
        throw std::runtime_error("no PostgreSQL server in /usr/lib/postgresql (Debian package 'postgresql')");
    return best / "bin";
}

// A port nobody listens on right now (the kernel's choice); the server binds it moments later.
int freePort() {
    int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int port = 0;
    if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    ::close(s);
    if (port == 0) throw std::runtime_error("no free port on 127.0.0.1");
    return port;
}

std::string quoted(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

}  // namespace

ThrowawayPostgres::ThrowawayPostgres() : bin_(postgresBinDir()) {
    std::string pattern = (fs::temp_directory_path() / "polysim-pg-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot make a folder for PostgreSQL in /tmp");
    dir_ = pattern;
    if (::geteuid() == 0) {
        const passwd* nobody = ::getpwnam("nobody");
        if (!nobody) throw std::runtime_error("running as root, and there is no user 'nobody' to run PostgreSQL as");
        if (::chown(dir_.c_str(), nobody->pw_uid, nobody->pw_gid) != 0)
            throw std::runtime_error("cannot give " + dir_.string() + " to nobody");
        asServerUser_ = "setpriv --reuid=" + std::to_string(nobody->pw_uid) +
                        " --regid=" + std::to_string(nobody->pw_gid) + " --clear-groups ";
    }
    auto init =
        runShell("cd " + quoted(dir_.string()) + " && " + asServerUser_ + quoted((bin_ / "initdb").string()) + " -D " +
                 quoted((dir_ / "data").string()) + " -U polysim --auth=trust -E UTF8 --no-locale --no-sync");
    if (init.exitCode != 0) throw std::runtime_error("initdb failed:\n" + init.out + init.err);
    start();
    sql("SELECT 1", "postgres");
    sql("CREATE DATABASE results", "postgres");
}

void ThrowawayPostgres::start() {
    for (int attempt = 0; attempt < 5; ++attempt) {
        if (port_ == 0 || attempt > 0) port_ = freePort();
        fs::path log = dir_ / "server.log";
        fs::remove(log);
        pid_ = ::fork();
        if (pid_ == 0) {
            // setpriv sets the parent-death signal after changing user, so the server ends with the test.
            std::string cmd = "cd " + quoted(dir_.string()) + " && exec " + asServerUser_ +
                              "setpriv --pdeathsig SIGQUIT " + quoted((bin_ / "postgres").string()) + " -D " +
                              quoted((dir_ / "data").string()) + " -k " + quoted(dir_.string()) + " -p " +
                              std::to_string(port_) +
                              " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=120 > " +
                              quoted(log.string()) + " 2>&1";
            ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                break;  // it ended: most likely the port was taken meanwhile; try another
            }
            if (readFile(log).find("ready to accept connections") != std::string::npos) return;
        }
        if (pid_ > 0) {
            ::kill(pid_, SIGQUIT);
            ::waitpid(pid_, nullptr, 0);
            pid_ = -1;
        }
        if (readFile(log).find("could not bind") == std::string::npos)
            throw std::runtime_error("the PostgreSQL server did not start:\n" + readFile(log));
    }
    throw std::runtime_error("the PostgreSQL server found no free port");
}

void ThrowawayPostgres::stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGINT);  // fast shutdown: ends sessions, no waiting for clients
    int status = 0;
    for (int i = 0; i < 200 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (::waitpid(pid_, &status, WNOHANG) == 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
    }
    pid_ = -1;
}

ThrowawayPostgres::~ThrowawayPostgres() {
    stop();
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

std::string ThrowawayPostgres::url(const std::string& database) const {
    return "postgresql://polysim@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string ThrowawayPostgres::socketUrl(const std::string& database) const {
    std::string folder;
    for (char c : dir_.string()) folder += c == '/' ? std::string("%2F") : std::string(1, c);
    return "postgresql://polysim@" + folder + ":" + std::to_string(port_) + "/" + database;
}

std::string ThrowawayPostgres::sql(const std::string& statements, const std::string& database) const {
    auto r = runShell(quoted((bin_ / "psql").string()) + " -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p " +
                      std::to_string(port_) + " -U polysim -d " + quoted(database) + " -c " + quoted(statements));
    if (r.exitCode != 0) throw std::runtime_error("psql: " + statements + ":\n" + r.err);
    return r.out;
}

}  // namespace polysim::test
