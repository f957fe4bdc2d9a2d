// A throwaway PostgreSQL server for one test: initdb into a fresh folder under /tmp, the server on a free
// 127.0.0.1 port with its socket in that folder, an empty database "results"; stopped and removed at the end (and
// killed with the test process if that dies first). PostgreSQL refuses to run as root, so under root (CI) initdb and
// the server run as the unprivileged user `nobody`.
#pragma once

#include <sys/types.h>
#include <filesystem>
#include <string>

namespace polysim::test {

class ThrowawayPostgres {
public:
    // Throws std::runtime_error with initdb's or the server's log when it cannot start.
    ThrowawayPostgres();
    ~ThrowawayPostgres();
    ThrowawayPostgres(const ThrowawayPostgres&) = delete;
    ThrowawayPostgres& operator=(const ThrowawayPostgres&) = delete;

    // postgresql://polysim@127.0.0.1:PORT/DATABASE (role polysim, trusted: no password on this private server).
    std::string url(const std::string& database = "results") const;
    // The same database through the server's unix socket: postgresql://polysim@%2Ftmp%2Fpolysim-pg-...:PORT/DATABASE
    std::string socketUrl(const std::string& database = "results") const;
    int port() const { return port_; }
    // Runs SQL with psql as the superuser; returns its output (unaligned, tuples only), throws on an SQL error.
    std::string sql(const std::string& statements, const std::string& database = "results") const;
    // Stops the server (a laptop finds it out of reach) and starts it again on the same port.
    void stop();
    void start();

private:
    std::filesystem::path dir_, bin_;
    std::string asServerUser_;  // the command prefix that runs a program as the server's user
    int port_ = 0;
    pid_t pid_ = -1;
};

}  // namespace polysim::test
