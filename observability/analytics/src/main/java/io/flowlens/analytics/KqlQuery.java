package io.flowlens.analytics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The part of KQL the Kibana saved objects use, parsed so the console's search box, the {@code flowlens} CLI and the
 * tests can run it in Elasticsearch without Kibana (this Elasticsearch has no KQL of its own: KQL is Kibana's, and
 * the integ-test distribution has no ES|QL either): {@code field: value}, {@code field: "quoted"}, {@code field: *}
 * (the field exists), {@code field > n} (also {@code >=}, {@code <}, {@code <=}), AND / OR / NOT and parentheses. Anything else (free text,
 * value lists, wildcard field names, nested {@code {}} queries) is refused, so a saved query outside this subset fails
 * a user's query or a test instead of being run wrongly.
 *
 * <p>{@link #toLucene()} is an explicit translation for Elasticsearch's {@code query_string}: on this subset the two
 * languages differ only in ranges ({@code field > n} in KQL, where {@code field: >n} is a syntax error; {@code field:>n}
 * in Lucene) and in the case of the keywords (KQL accepts {@code and}, Lucene only {@code AND}).
 */
public final class KqlQuery {

    private static final Set<String> KEYWORDS = Set.of("AND", "OR", "NOT");
    private static final Set<String> RANGE_OPERATORS = Set.of(">", ">=", "<", "<=");
    /** Characters that query_string reads as syntax in an unquoted value (a lone {@code *} is allowed: exists). */
    private static final Pattern LUCENE_SYNTAX = Pattern.compile("[+\\-!(){}\\[\\]^\"~*?:\\\\/&|<>=]");
    /** What KQL ends an unquoted word at. */
    private static final String KQL_DELIMITERS = "():<>\"{}";

    private final String kql;
    private final Set<String> fields;
    private final String lucene;

    private KqlQuery(String kql, Set<String> fields, String lucene) {
        this.kql = kql;
        this.fields = Collections.unmodifiableSet(fields);
        this.lucene = lucene;
    }

    /**
     * The query {@code kql} says.
     *
     * @throws UsageException when it is empty, malformed or outside the subset, naming what is wrong
     */
    public static KqlQuery parse(String kql) {
        if (kql.isBlank()) {
            throw new UsageException("empty KQL query");
        }
        List<String> tokens = tokenize(kql);
        Set<String> fields = new LinkedHashSet<>();
        List<String> lucene = new ArrayList<>();
        boolean expectOperand = true;
        int depth = 0;
        int i = 0;
        while (i < tokens.size()) {
            String token = tokens.get(i);
            String keyword = token.toUpperCase(Locale.ROOT);
            if (token.equals("(")) {
                require(expectOperand, kql, "'(' after an operand");
                depth++;
                lucene.add(token);
                i++;
            } else if (token.equals(")")) {
                require(!expectOperand && depth > 0, kql, "unbalanced ')'");
                depth--;
                lucene.add(token);
                i++;
            } else if (KEYWORDS.contains(keyword)) {
                require(keyword.equals("NOT") == expectOperand, kql, "misplaced " + keyword);
                expectOperand = true;
                lucene.add(keyword);
                i++;
            } else {
                require(expectOperand, kql, "two operands without AND/OR before '" + token + "'");
                require(i + 2 < tokens.size(), kql, "'" + token + "' is not followed by an operator and a value");
                String field = token;
                String operator = tokens.get(i + 1);
                String value = tokens.get(i + 2);
                require(isWord(field) && !field.contains("*"), kql, "free text or wildcard field '" + field + "'");
                if (operator.equals(":")) {
                    require(!RANGE_OPERATORS.contains(value), kql, "KQL writes a range as '" + field + " " + value
                            + " n', not '" + field + ": " + value + "n' (Lucene)");
                    require(value.startsWith("\"") || value.equals("*") || isPlainValue(value), kql,
                            "value '" + value + "' of " + field);
                    lucene.add(field + ":" + value);
                } else {
                    require(RANGE_OPERATORS.contains(operator), kql, "'" + field + "' is not followed by ':' or a range");
                    require(isPlainValue(value), kql, "range bound '" + value + "' of " + field);
                    lucene.add(field + ":" + operator + value);
                }
                fields.add(field);
                expectOperand = false;
                i += 3;
            }
        }
        require(!expectOperand && depth == 0, kql, "incomplete query");
        return new KqlQuery(kql, fields, String.join(" ", lucene));
    }

    public String kql() {
        return kql;
    }

    /** The field names the query reads, in order of appearance. */
    public Set<String> fields() {
        return fields;
    }

    /** The same query in Lucene syntax, for Elasticsearch's {@code query_string}. */
    public String toLucene() {
        return lucene;
    }

    @Override
    public String toString() {
        return kql;
    }

    private static List<String> tokenize(String kql) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        while (i < kql.length()) {
            char c = kql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '(' || c == ')' || c == ':') {
                tokens.add(String.valueOf(c));
                i++;
            } else if (c == '<' || c == '>') {
                boolean orEqual = i + 1 < kql.length() && kql.charAt(i + 1) == '=';
                tokens.add(orEqual ? c + "=" : String.valueOf(c));
                i += orEqual ? 2 : 1;
            } else if (c == '"') {
                int end = i + 1;
                while (end < kql.length() && kql.charAt(end) != '"') {
                    end += kql.charAt(end) == '\\' ? 2 : 1;
                }
                require(end < kql.length(), kql, "unterminated quote");
                tokens.add(kql.substring(i, end + 1));
                i = end + 1;
            } else {
                require(c != '{' && c != '}', kql, "nested queries");
                int end = i;
                while (end < kql.length() && !Character.isWhitespace(kql.charAt(end))
                        && KQL_DELIMITERS.indexOf(kql.charAt(end)) < 0) {
                    end += kql.charAt(end) == '\\' ? 2 : 1;
                }
                tokens.add(kql.substring(i, end));
                i = end;
            }
        }
        return tokens;
    }

    private static boolean isWord(String token) {
        return !token.isEmpty() && KQL_DELIMITERS.indexOf(token.charAt(0)) < 0;
    }

    private static boolean isPlainValue(String token) {
        return isWord(token) && !KEYWORDS.contains(token.toUpperCase(Locale.ROOT))
                && !LUCENE_SYNTAX.matcher(token).find();
    }

    private static void require(boolean condition, String kql, String problem) {
        if (!condition) {
            throw new UsageException("not a KQL query this can run (" + problem + "): " + kql + ". Supported: "
                    + "field: value, field: \"quoted value\", field: * (exists), field > n (also >=, <, <=), AND, OR, NOT "
                    + "and parentheses");
        }
    }
}
