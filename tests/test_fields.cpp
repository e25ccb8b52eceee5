// The field table (fields.hpp) against the configuration it describes, the
// validator's use of its ranges, and sessions as configuration + events.
#include "microcircuit/config_io.hpp"
#include "microcircuit/errors.hpp"
#include "microcircuit/fields.hpp"
#include "microcircuit/live.hpp"
#include "microcircuit/session.hpp"

#include <nlohmann/json.hpp>

#include <QtTest>

#include <set>

using namespace mc;

namespace {

/// Dotted paths of every value `microcircuit config` prints (lists are values).
void leaves(const nlohmann::ordered_json& j, const std::string& path, std::vector<std::string>& out) {
    if (j.is_object()) {
        for (auto it = j.begin(); it != j.end(); ++it) leaves(it.value(), path.empty() ? it.key() : path + "." + it.key(), out);
        return;
    }
    out.push_back(path);
}

std::vector<std::string> printedFields() {
    auto doc = nlohmann::ordered_json::parse(configToJson(Config{}));
    doc.erase("events");
    std::vector<std::string> out;
    leaves(doc, "", out);
    return out;
}

std::string validationMessage(const Config& c) {
    try {
        c.validate();
    } catch (const ConfigError& e) {
        return e.what();
    }
    return {};
}

} // namespace

class TestFields : public QObject {
    Q_OBJECT
  private slots:
    void tableListsEveryPrintedFieldInOrder() {
        const auto printed = printedFields();
        std::vector<std::string> table;
        for (const FieldInfo& f : configFields()) table.emplace_back(f.path);
        QCOMPARE(table.size(), printed.size());
        for (std::size_t i = 0; i < printed.size(); ++i) QCOMPARE(table[i], printed[i]);
        for (const FieldInfo& f : configFields()) {
            QVERIFY2(!f.description.empty(), f.path.data());
            QCOMPARE(f.live(), isLiveField(f.path));
        }
        QVERIFY(fieldInfo("net.weight_factors").live());
        QVERIFY(!fieldInfo("net.conn_probs").live());
        QCOMPARE(fieldInfo("net.conn_probs").shape, FieldShape::Matrix);
        QCOMPARE(fieldInfo("net.K_ext").shape, FieldShape::PerPopulation);
    }

    // Above the top of each numeric field's range, validate() refuses it
    // with the table's words: the editor and the command line share them.
    void validateUsesTheTableRanges() {
        int checked = 0;
        for (const FieldInfo& f : configFields()) {
            if (f.shape == FieldShape::Text || f.shape == FieldShape::Boolean || f.path == "sim.rng_seed") continue;
            const double bad = f.max + (f.max == 0 ? 1.0 : std::abs(f.max));
            std::string value = f.shape == FieldShape::Integer ? std::to_string(static_cast<long long>(bad))
                                                               : nlohmann::json(bad).dump();
            if (f.shape == FieldShape::PerPopulation) value = "[" + value + ",1,1,1,1,1,1,1]";
            Config c;
            if (f.shape == FieldShape::Matrix) {
                auto m = nlohmann::json::parse(fieldValueJson(c, f.path));
                m[1][3] = bad;
                value = m.dump();
            }
            applyConfigJson(c, fieldSetJson(f.path, value), "test");
            const std::string message = validationMessage(c);
            QVERIFY2(message.find(f.allowed(c.sim.sim_resolution)) != std::string::npos,
                     (std::string(f.path) + ": " + message).c_str());
            QVERIFY2(message.rfind(std::string(f.path), 0) == 0, message.c_str());
            ++checked;
        }
        QVERIFY(checked > 40);
        Config c;
        c.net.g = 5;
        QCOMPARE(QString::fromStdString(validationMessage(c)), QString("net.g = 5 is not allowed: must be >= -100 and <= 0"));
        c = Config{};
        c.net.delay_exc_mean = 0.05;
        QCOMPARE(QString::fromStdString(validationMessage(c)),
                 QString("net.delay_exc_mean = 0.05 is not allowed: must be >= 0.1 and <= 100"));
    }

    void fieldValuesAndSets() {
        Config c;
        QCOMPARE(QString::fromStdString(fieldValueJson(c, "net.g")), QString("-4.0"));
        QCOMPARE(QString::fromStdString(fieldValueJson(c, "net.bg_input_type")), QString("\"poisson\""));
        QCOMPARE(QString::fromStdString(fieldSetJson("net.neuron_params.V0_mean.original", "-60")),
                 QString(R"({"net":{"neuron_params":{"V0_mean":{"original":-60}}}})"));
        applyConfigJson(c, fieldSetJson("net.neuron_params.V0_mean.original", "-60"), "t");
        QCOMPARE(c.net.neuron.V0_mean_original, -60.0);
        QVERIFY_THROWS_EXCEPTION(ConfigError, fieldSetJson("net.g", "five"));
    }

    void sessionRoundTrip() {
        Session s;
        s.config.sim.rng_seed = 9;
        s.config.stim.thalamic_input = true;
        s.endStep = 1234;
        TimedEvent set;
        set.t_ms = 12.3;
        set.set = R"({"net":{"g":-5.0}})";
        set.label = "g -5";
        TimedEvent pulse;
        pulse.kind = TimedEvent::Kind::ThalamicPulse;
        pulse.t_ms = pulse.start_ms = 50.0;
        s.events = {set, pulse};
        const Session back = sessionFromJson(sessionToJson(s), "s.json");
        QCOMPARE(back.config.sim.rng_seed, std::uint64_t{9});
        QCOMPARE(back.endStep, std::int64_t{1234});
        QCOMPARE(back.events.size(), std::size_t{2});
        QCOMPARE(back.events[0].set, set.set);
        QCOMPARE(back.events[0].label, set.label);
        QCOMPARE(eventStep(back.events[0], 0.1), std::int64_t{123});
        QCOMPARE(back.events[1].kind, TimedEvent::Kind::ThalamicPulse);
        QVERIFY(back.config.events.empty());
        // The "config" of a session file is a configuration file, events included.
        Config asConfig;
        const auto doc = nlohmann::json::parse(sessionToJson(s));
        applyConfigJson(asConfig, doc.at("config").dump(), "config");
        QCOMPARE(asConfig.events.size(), std::size_t{2});
    }

    void versionOneSessionsBecomeEvents() {
        const char* v1 = R"({"format":"microcircuit-session","version":1,"config":{"net":{"bg_input_type":"dc"}},
            "end_step":500,"events":[
              {"step":100,"kind":"live","label":"g","exc_weight_factor":1.0,"inh_weight_factor":1.25,"bg_rate_factor":1.0,"dc_factor":1.5},
              {"step":200,"kind":"dc_transient","label":"dc","start_ms":20.0,"duration_ms":30.0}]})";
        const Session s = sessionFromJson(v1, "old.json");
        QCOMPARE(s.events.size(), std::size_t{2});
        QCOMPARE(eventStep(s.events[0], 0.1), std::int64_t{100});
        const Config after = applySet(s.config, s.events[0].set, "t");
        QCOMPARE(after.net.g, -5.0);
        QCOMPARE(after.net.bg_rate, 12.0); // dc drive: dc_factor scaled the rate
        QCOMPARE(after.net.PSP_exc_mean, 0.15);
        QCOMPARE(s.events[1].kind, TimedEvent::Kind::DcTransient);
        QCOMPARE(s.events[1].duration_ms, 30.0);
    }

    void badSessionsAreRefusedClearly_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("newer version") << R"({"format":"microcircuit-session","version":7,"config":{},"end_step":0})"
                                       << "version = 7 is not supported";
        QTest::newRow("rebuild field in an event")
            << R"({"format":"microcircuit-session","version":2,"config":{"events":[{"t_ms":5,"set":{"net":{"N_scaling":0.2}}}]},"end_step":9})"
            << "net.N_scaling cannot change while the network runs";
        QTest::newRow("bad value in an event")
            << R"({"format":"microcircuit-session","version":2,"config":{"events":[{"t_ms":5,"set":{"net":{"g":3}}}]},"end_step":9})"
            << "net.g = 3 is not allowed: must be >= -100 and <= 0";
        QTest::newRow("no end_step") << R"({"format":"microcircuit-session","version":2,"config":{}})" << "end_step";
    }
    void badSessionsAreRefusedClearly() {
        QFETCH(QString, text);
        QFETCH(QString, mentions);
        try {
            sessionFromJson(text.toStdString(), "s.json");
            QFAIL("accepted");
        } catch (const ConfigError& e) {
            QVERIFY2(QString(e.what()).contains(mentions), e.what());
            QVERIFY2(QString(e.what()).startsWith("s.json"), e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestFields)
#include "test_fields.moc"
