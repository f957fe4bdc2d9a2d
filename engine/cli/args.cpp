// The shared argument reader of the `polysim` commands (see args.h).
#include "cli/args.h"

namespace polysim::cli {
namespace {
// `message` with ARG replaced by the argument.
std::string naming(std::string message, const std::string& arg) {
    if (auto at = message.find("ARG"); at != std::string::npos) message.replace(at, 3, arg);
    return message;
}
}  // namespace

ArgReader& ArgReader::add(std::string name, std::string error, bool takesValue,
                          std::function<bool(const std::string&)> accept) {
    options_.push_back({std::move(name), std::move(error), takesValue, std::move(accept)});
    return *this;
}

ArgReader& ArgReader::check(std::string name, std::string bad, std::function<bool(const std::string&)> accept) {
    return add(std::move(name), std::move(bad), true, std::move(accept));
}

ArgReader& ArgReader::value(std::string name, std::string& out, std::string missing) {
    return add(std::move(name), std::move(missing), true, [&out](const std::string& v) {
        out = v;
        return true;
    });
}

ArgReader& ArgReader::value(std::string name, std::optional<std::string>& out, std::string missing) {
    return add(std::move(name), std::move(missing), true, [&out](const std::string& v) {
        out = v;
        return true;
    });
}

ArgReader& ArgReader::windowSize(int& width, int& height) {
    return check("--size", "--size needs WIDTHxHEIGHT, at least 320x240, e.g. 1600x900",
                 [&width, &height](const std::string& v) {
                     int w = 0, h = 0;
                     const auto x = v.find('x');
                     if (x == std::string::npos || !parseNumber(v.substr(0, x), w) ||
                         !parseNumber(v.substr(x + 1), h) || w < 320 || h < 240)
                         return false;
                     width = w, height = h;
                     return true;
                 });
}

ArgReader& ArgReader::flag(std::string name, bool& out, bool set) {
    return add(std::move(name), {}, false, [&out, set](const std::string&) {
        out = set;
        return true;
    });
}

ArgReader& ArgReader::positional(std::string& out) {
    slots_.push_back(&out);
    return *this;
}

ArgReader& ArgReader::positionals(std::vector<std::string>& out) {
    rest_ = &out;
    return *this;
}

ArgReader& ArgReader::tooMany(std::string message) {
    tooMany_ = std::move(message);
    return *this;
}

std::optional<int> ArgReader::read(const Args& args) const {
    std::size_t slot = 0;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a.size() > 1 && a[0] == '-') {
            const Option* option = nullptr;
            for (const auto& o : options_)
                if (o.name == a) option = &o;
            if (!option) return usageError(command_, "unknown option '" + a + "'");
            if (option->takesValue && i + 1 >= args.size()) return usageError(command_, option->error);
            if (!option->accept(option->takesValue ? args[++i] : a)) return usageError(command_, option->error);
        } else if (slot < slots_.size()) {
            *slots_[slot++] = a;
        } else if (rest_) {
            rest_->push_back(a);
        } else {
            return usageError(command_, naming(tooMany_, a));
        }
    }
    return std::nullopt;
}

}  // namespace polysim::cli
