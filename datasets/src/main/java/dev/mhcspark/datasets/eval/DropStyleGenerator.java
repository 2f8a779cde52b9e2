package dev.mhcspark.datasets.eval;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Generates a DROP-style reading-comprehension set in the official format: short passages generated from random
 * facts (a football game, a county census, a chronicle of dated events) with questions that need discrete
 * reasoning over them: counts, differences, percentages, dates and multi-span answers. Gold answers are computed
 * from the facts, never read back from the text; each question also gets one or two validated answers (the same
 * answer, reordered spans, or a year as a number instead of a date), as the real data has.
 *
 * <p>Deterministic for a seed. Also simulates the predictions of an imperfect system ({@link #writePredictions}),
 * to test and time {@code mhc score}. Stateless.
 */
public final class DropStyleGenerator {
    private static final String[] TEAMS = {"Bears", "Lions", "Packers", "Vikings", "Eagles", "Giants", "Cowboys",
        "Falcons", "Saints", "Rams", "Seahawks", "Chiefs", "Raiders", "Broncos", "Colts", "Titans"};
    private static final String[] FIRST = {"Jay", "Matt", "Drew", "Tom", "Aaron", "Eli", "Tony", "Josh", "Ryan",
        "Cody", "Mason", "Derek", "Owen", "Victor", "Lance", "Hugo", "Felix", "Isaac", "Brett", "Calvin"};
    private static final String[] LAST = {"Cutler", "Stafford", "Brees", "Brady", "Rodgers", "Manning", "Romo",
        "Allen", "Parker", "Hughes", "Ortiz", "Keller", "Nolan", "Sutton", "Wagner", "Fisher", "Graham", "Holt",
        "Barrett", "Dawson", "Ellis", "Foster", "Gibson", "Hayes"};
    private static final String[] COUNTIES = {"Alder", "Birch", "Cedar", "Dover", "Elm", "Fulton", "Grant", "Harlan",
        "Irwin", "Jasper", "Knox", "Logan", "Marion", "Newton", "Oakley", "Perry"};
    private static final String[] GROUPS = {"White", "African American", "Asian", "Native American",
        "Pacific Islander"};
    private static final String[] MONTHS = {"January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December"};
    private static final String[] PLACES = {"Aldmoor", "Brennick", "Carran", "Dunholt", "Eskby", "Farrow", "Gildan",
        "Hollin", "Istra", "Jorvale", "Kessin", "Lorne"};
    /** Event names and what happened to them. */
    private static final String[][] EVENTS = {{"Treaty of %s", "was signed"}, {"founding of %s", "was proclaimed"},
        {"siege of %s", "began"}, {"cathedral of %s", "was consecrated"}, {"university of %s", "was chartered"},
        {"great fire of %s", "broke out"}, {"bridge at %s", "was completed"}, {"revolt in %s", "was crushed"}};
    private static final int QUESTIONS_PER_PASSAGE = 5;

    private DropStyleGenerator() {
    }

    /** A set of {@code questions} questions over about {@code questions / 5} passages. */
    public static DropDataset generate(int questions, long seed) {
        if (questions < 1) {
            throw new IllegalArgumentException("count: must be >= 1, got " + questions);
        }
        Random rng = new Random(seed);
        List<DropPassage> passages = new ArrayList<>();
        int made = 0;
        for (int p = 0; made < questions; p++) {
            String id = String.format(Locale.ROOT, "gen_%07d", p);
            Draft d = switch (p % 3) {
                case 0 -> football(rng);
                case 1 -> census(rng);
                default -> chronicle(rng);
            };
            List<DropQuestion> qs = new ArrayList<>();
            for (int q = 0; q < d.questions.size() && made < questions; q++, made++) {
                Item item = d.questions.get(q);
                qs.add(new DropQuestion(id + "_q" + q, item.question, item.answer, item.validated));
            }
            passages.add(new DropPassage(id, d.text.toString().strip(), qs));
        }
        return new DropDataset("drop-style(seed=" + seed + ", questions=" + questions + ")", passages);
    }

    // ---------------------------------------------------------------------------------------------- football

    private static Draft football(Random rng) {
        String[] teams = pickDistinct(rng, TEAMS, 2);
        List<String> players = people(rng, 8);
        String[] kickers = {players.get(0), players.get(1)};
        String[] passers = {players.get(2), players.get(3)};
        List<String> receivers = players.subList(4, 8);
        int fieldGoals = 2 + rng.nextInt(4);
        int[] fgYards = distinctInts(rng, fieldGoals, 19, 56);
        int[] fgTeam = new int[fieldGoals];
        int touchdowns = 2 + rng.nextInt(3);
        int[] tdYards = distinctInts(rng, touchdowns, 1, 80);
        int[] tdTeam = new int[touchdowns];
        String[] tdReceiver = new String[touchdowns];
        Draft d = new Draft();
        d.text.append("The ").append(teams[0]).append(" hosted the ").append(teams[1]).append(" in week ")
                .append(1 + rng.nextInt(17)).append(". ");
        int f = 0;
        int t = 0;
        String[] quarters = {"first", "second", "third", "fourth"};
        int quarter = -1;
        while (f < fieldGoals || t < touchdowns) {
            int nextQuarter = Math.min(3, quarter + 1 + (rng.nextInt(3) == 0 ? 1 : 0));
            if (nextQuarter != quarter) {
                quarter = nextQuarter;
                d.text.append("In the ").append(quarters[quarter]).append(" quarter, ");
            } else {
                d.text.append("Then ");
            }
            boolean kick = t >= touchdowns || f < fieldGoals && rng.nextBoolean();
            int team = rng.nextInt(2);
            if (kick) {
                fgTeam[f] = team;
                d.text.append(kickers[team]).append(" kicked a ").append(fgYards[f]).append("-yard field goal. ");
                f++;
            } else {
                tdTeam[t] = team;
                tdReceiver[t] = receivers.get(team * 2 + rng.nextInt(2));
                d.text.append(passers[team]).append(" threw a ").append(tdYards[t]).append("-yard touchdown pass to ")
                        .append(tdReceiver[t]).append(". ");
                t++;
            }
        }
        int kicker = fgTeam[rng.nextInt(fieldGoals)];
        int kicks = 0;
        for (int team : fgTeam) {
            kicks += team == kicker ? 1 : 0;
        }
        d.add("How many field goals did " + kickers[kicker] + " kick?", number(kicks), rng);
        d.add("How many yards longer was the longest field goal than the shortest?",
                number(max(fgYards) - min(fgYards)), rng);
        List<String> catchers = new ArrayList<>(new LinkedHashSet<>(List.of(tdReceiver)));
        d.add(catchers.size() == 1 ? "Who caught a touchdown pass?" : "Which players caught touchdown passes?",
                DropAnswer.ofSpans(catchers), rng);
        d.add("Who kicked the longest field goal?", DropAnswer.ofSpans(List.of(kickers[fgTeam[argMax(fgYards)]])),
                rng);
        d.add("How many touchdown passes were longer than " + tdYards[0] + " yards?",
                number((int) java.util.Arrays.stream(tdYards).filter(y -> y > tdYards[0]).count()), rng);
        return d;
    }

    // ------------------------------------------------------------------------------------------------ census

    private static Draft census(Random rng) {
        String county = COUNTIES[rng.nextInt(COUNTIES.length)] + " County";
        int year = 1990 + 10 * rng.nextInt(3);
        int people = 10_000 + rng.nextInt(890_000);
        int households = people / 3 + rng.nextInt(people / 3);
        int families = households / 2 + rng.nextInt(households / 3);
        int groups = 4;
        int[] tenths = new int[groups]; // percentages in tenths, distinct, summing to 1000
        do {
            tenths[0] = 500 + rng.nextInt(400);
            int rest = 1000 - tenths[0];
            tenths[1] = 1 + rng.nextInt(rest - 2);
            tenths[2] = 1 + rng.nextInt(rest - tenths[1] - 1);
            tenths[3] = rest - tenths[1] - tenths[2];
        } while (distinct(tenths) < groups);
        String[] names = java.util.Arrays.copyOf(GROUPS, groups);
        Draft d = new Draft();
        d.text.append("As of the census of ").append(year).append(", there were ").append(comma(people))
                .append(" people, ").append(comma(households)).append(" households, and ").append(comma(families))
                .append(" families residing in ").append(county).append(". The racial makeup of the county was ");
        for (int i = 0; i < groups; i++) {
            d.text.append(i == groups - 1 ? "and " : "").append(percent(tenths[i])).append("% ").append(names[i])
                    .append(i == groups - 1 ? ". " : ", ");
        }
        d.add("How many more people were there than households?", number(people - households), rng);
        d.add("How many percent of people were not " + names[0] + "?", DropAnswer.ofNumber(percent(1000 - tenths[0])),
                rng);
        int threshold = tenths[1 + rng.nextInt(groups - 1)] - 1; // at least two groups above it
        List<String> above = new ArrayList<>();
        int below = 0;
        for (int i = 0; i < groups; i++) {
            if (tenths[i] > threshold) {
                above.add(names[i]);
            } else {
                below++;
            }
        }
        d.add("Which groups made up more than " + percent(threshold) + "% of the county?", DropAnswer.ofSpans(above),
                rng);
        int a = 1 + rng.nextInt(groups - 1);
        int b = a == groups - 1 ? 1 : a + 1;
        d.add("Which group was larger: " + names[a] + " or " + names[b] + "?",
                DropAnswer.ofSpans(List.of(tenths[a] > tenths[b] ? names[a] : names[b])), rng);
        d.add("How many groups made up at most " + percent(threshold) + "% of the county?", number(below), rng);
        return d;
    }

    // --------------------------------------------------------------------------------------------- chronicle

    private static Draft chronicle(Random rng) {
        int events = 4;
        String[] places = pickDistinct(rng, PLACES, events);
        List<String[]> kinds = new ArrayList<>(List.of(EVENTS));
        Collections.shuffle(kinds, rng);
        int[] years = new int[events];
        int[] months = new int[events];
        int[] days = new int[events];
        String[] names = new String[events];
        int year = 1100 + rng.nextInt(700);
        Draft d = new Draft();
        for (int i = 0; i < events; i++) {
            year += 1 + rng.nextInt(30);
            years[i] = year;
            months[i] = rng.nextInt(12);
            days[i] = 1 + rng.nextInt(28);
            names[i] = "the " + String.format(Locale.ROOT, kinds.get(i)[0], places[i]);
            d.text.append(i == 0 ? "On " : rng.nextBoolean() ? "Later, on " : "On ").append(MONTHS[months[i]])
                    .append(' ').append(days[i]).append(", ").append(years[i]).append(", ").append(names[i])
                    .append(' ').append(kinds.get(i)[1]).append(". ");
        }
        int e = rng.nextInt(events);
        d.add("When did " + names[e] + " take place?", DropAnswer.ofDate(Integer.toString(days[e]),
                MONTHS[months[e]], Integer.toString(years[e])), rng);
        int x = rng.nextInt(events - 1);
        int y = x + 1 + rng.nextInt(events - 1 - x);
        d.add("How many years after " + names[x] + " did " + names[y] + " take place?", number(years[y] - years[x]),
                rng);
        int z = rng.nextInt(events);
        Item inYear = d.add("In which year did " + names[z] + " take place?",
                DropAnswer.ofDate("", "", Integer.toString(years[z])), rng);
        inYear.validated.set(0, DropAnswer.ofNumber(Integer.toString(years[z]))); // annotators differ on the type
        int cut = 1 + rng.nextInt(events - 1);
        d.add("Which events took place before " + years[cut] + "?", DropAnswer.ofSpans(List.of(names).subList(0, cut)),
                rng);
        int after = rng.nextInt(events);
        d.add("How many of these events took place after " + years[after] + "?", number(events - 1 - after), rng);
        return d;
    }

    // -------------------------------------------------------------------------------------------- predictions

    /**
     * Writes simulated predictions for {@code set} as a score input file (JSONL {@code {"id", "prediction",
     * "answers"}}, gold answers inline as official objects): about half exactly right (numbers sometimes written
     * {@code 12.0} or {@code 1,234}, spans reordered), 15 % partly right (a span missing or extra, a unit added), the
     * rest wrong (another number, another entity, a year off). Written atomically.
     */
    public static void writePredictions(DropDataset set, Path file, long seed) {
        Random rng = new Random(seed ^ 0x5DEECE66DL);
        ObjectMapper json = new ObjectMapper();
        AtomicFile.write(file, out -> {
            try (JsonGenerator g = json.getFactory().createGenerator(out)) {
                g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                g.setRootValueSeparator(null);
                for (DropPassage p : set.passages()) {
                    for (DropQuestion q : p.questions()) {
                        g.writeStartObject();
                        g.writeStringField("id", q.queryId());
                        List<String> predicted = simulate(q.answer(), p, rng);
                        if (predicted.size() == 1 && rng.nextBoolean()) {
                            g.writeStringField("prediction", predicted.get(0));
                        } else {
                            g.writeArrayFieldStart("prediction");
                            for (String s : predicted) {
                                g.writeString(s);
                            }
                            g.writeEndArray();
                        }
                        g.writeArrayFieldStart("answers");
                        for (DropAnswer a : q.goldAnswers()) {
                            g.writeTree(a.toJson());
                        }
                        g.writeEndArray();
                        g.writeEndObject();
                        g.writeRaw('\n');
                    }
                }
            }
        });
    }

    static List<String> simulate(DropAnswer gold, DropPassage passage, Random rng) {
        double r = rng.nextDouble();
        List<String> strings = gold.strings();
        switch (gold.type()) {
            case "number": {
                java.math.BigDecimal n = new java.math.BigDecimal(gold.number());
                if (r < 0.5) {
                    boolean integer = n.scale() <= 0;
                    return List.of(rng.nextBoolean() ? gold.number() : !integer ? gold.number() + "0"
                            : n.intValueExact() >= 1000 ? String.format(Locale.US, "%,d", n.intValueExact())
                            : n + ".0");
                }
                if (r < 0.65) {
                    return List.of(gold.number() + (rng.nextBoolean() ? " in all" : " in total"));
                }
                return List.of(n.add(java.math.BigDecimal.valueOf(1 + rng.nextInt(9))).toPlainString());
            }
            case "date": {
                List<String> date = gold.date();
                if (r < 0.5) {
                    return List.of(String.join(" ", date).strip());
                }
                if (r < 0.65) {
                    return List.of(date.get(1).isEmpty() ? "in " + date.get(2) : date.get(1) + " " + date.get(2));
                }
                return List.of((date.get(0) + " " + date.get(1) + " " + (Integer.parseInt(date.get(2)) + 1)).strip());
            }
            default: {
                List<String> spans = new ArrayList<>(strings);
                if (r < 0.5) {
                    Collections.shuffle(spans, rng);
                    return spans;
                }
                String[] words = passage.passage().split("[ ,.]+");
                if (r < 0.65) {
                    if (spans.size() > 1) {
                        spans.remove(rng.nextInt(spans.size()));
                    } else {
                        spans.set(0, spans.get(0) + " " + words[rng.nextInt(words.length)]);
                    }
                    return spans;
                }
                return List.of(words[rng.nextInt(words.length)]);
            }
        }
    }

    // --------------------------------------------------------------------------------------------- helpers

    private static final class Draft {
        final StringBuilder text = new StringBuilder();
        final List<Item> questions = new ArrayList<>(QUESTIONS_PER_PASSAGE);

        Item add(String question, DropAnswer answer, Random rng) {
            List<DropAnswer> validated = new ArrayList<>();
            validated.add(answer);
            if (answer.spans().size() > 1) {
                List<String> reordered = new ArrayList<>(answer.spans());
                Collections.reverse(reordered);
                validated.add(DropAnswer.ofSpans(reordered));
            } else if (rng.nextInt(4) == 0) {
                validated.add(answer);
            }
            Item item = new Item(question, answer, validated);
            questions.add(item);
            return item;
        }
    }

    private static final class Item {
        final String question;
        final DropAnswer answer;
        final List<DropAnswer> validated;

        Item(String question, DropAnswer answer, List<DropAnswer> validated) {
            this.question = question;
            this.answer = answer;
            this.validated = validated;
        }
    }

    private static DropAnswer number(long n) {
        return DropAnswer.ofNumber(Long.toString(n));
    }

    private static String percent(int tenths) {
        return tenths % 10 == 0 ? Integer.toString(tenths / 10) : tenths / 10 + "." + tenths % 10;
    }

    private static String comma(int n) {
        return String.format(Locale.US, "%,d", n);
    }

    private static List<String> people(Random rng, int n) {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        Collections.addAll(names, pickDistinct(rng, LAST, n));
        List<String> out = new ArrayList<>(n);
        for (String last : names) {
            out.add(FIRST[rng.nextInt(FIRST.length)] + " " + last);
        }
        return out;
    }

    private static String[] pickDistinct(Random rng, String[] from, int n) {
        List<String> all = new ArrayList<>(List.of(from));
        Collections.shuffle(all, rng);
        return all.subList(0, n).toArray(new String[0]);
    }

    private static int[] distinctInts(Random rng, int n, int lo, int hiExclusive) {
        LinkedHashSet<Integer> set = new LinkedHashSet<>();
        while (set.size() < n) {
            set.add(lo + rng.nextInt(hiExclusive - lo));
        }
        return set.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int distinct(int[] xs) {
        return (int) java.util.Arrays.stream(xs).distinct().count();
    }

    private static int max(int[] xs) {
        return xs[argMax(xs)];
    }

    private static int min(int[] xs) {
        return java.util.Arrays.stream(xs).min().orElseThrow();
    }

    private static int argMax(int[] xs) {
        int arg = 0;
        for (int i = 1; i < xs.length; i++) {
            if (xs[i] > xs[arg]) {
                arg = i;
            }
        }
        return arg;
    }
}
