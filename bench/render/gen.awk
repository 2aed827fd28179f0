# Generate N synthetic records (JSON Lines) in the shape `textpipe run`
# writes, for timing `textpipe render`.  Words and names are made up.
#   awk -v n=10000 -f gen.awk > records.jsonl
function pick(a, k) { return a[int(rand() * k) + 1] }
function span(s, e, extra) { return "{\"start\":" s ",\"end\":" e extra "}" }
BEGIN {
    srand(7);
    if (n == "") n = 10000;
    split("Ana Cruz|Lena Ward|Tomas Berg|Eda Okafor|Ravi Shah|Mia Lund|Omar Haddad|Jun Park", per, "|");
    split("Rivera Foods|Portview Council|Blue Lake Mining|the Transit Board|Nordic Rail|Acme Labs", org, "|");
    split("Portview|Lakeside|Eastham|the valley|North Bay|Greenfield", loc, "|");
    split("said|told reporters|added|warned", cue, "|");
    split("tonnes|jobs|people|homes|percent|kilometres", unit, "|");
    for (d = 1; d <= n; d++) {
        text = ""; ents = ""; nums = ""; sents = ""; claims = ""; attrs = "";
        ns = 12 + int(rand() * 12);
        for (s = 0; s < ns; s++) {
            st = length(text);
            kind = int(rand() * 3);
            p = pick(per, 8); o = pick(org, 6); l = pick(loc, 6); c = pick(cue, 4);
            v = int(rand() * 900) + 10; u = pick(unit, 6);
            if (kind == 0) {
                a = p " " c " that " o " in " l " cut " v " " u " this year.";
                ps = st; pe = ps + length(p);
                cs = pe + 1; ce = cs + length(c);
                os = ce + 6; oe = os + length(o);
                ls = oe + 4; le = ls + length(l);
                vs = le + 5; ve = vs + length(v " " u);
                ents = ents (ents ? "," : "") span(ps, pe, ",\"label\":\"PER\",\"score\":0.9,\"entity_id\":\"" p "\"") \
                    "," span(os, oe, ",\"label\":\"ORG\"") "," span(ls, le, ",\"label\":\"LOC\"");
                nums = nums (nums ? "," : "") span(vs, ve, ",\"text\":\"" v " " u "\",\"kind\":\"cardinal\",\"value\":" v ",\"unit\":\"" u "\"");
                attrs = attrs (attrs ? "," : "") "{\"cue\":" span(cs, ce, "") ",\"source\":" \
                    span(ps, pe, ",\"text\":\"" p "\",\"entity_id\":\"" p "\"") ",\"content\":" \
                    span(ce + 1, st + length(a) - 1, "") ",\"quality\":\"named\",\"sentence\":" s "}";
                claims = claims (claims ? "," : "") "{\"sentence\":" s ",\"status\":\"attributed\",\"reasons\":[\"number\"],\"source\":" \
                    span(ps, pe, ",\"text\":\"" p "\",\"entity_id\":\"" p "\"") "}";
            } else if (kind == 1) {
                a = "Experts say " o " will hire about " v " " u " in " l ".";
                os = st + 12; oe = os + length(o);
                vs = oe + 11; ve = vs + 6 + length(v " " u);
                ls = ve + 4; le = ls + length(l);
                ents = ents (ents ? "," : "") span(os, oe, ",\"label\":\"ORG\"") "," span(ls, le, ",\"label\":\"LOC\"");
                nums = nums (nums ? "," : "") span(vs, ve, ",\"kind\":\"cardinal\",\"value\":" v ",\"approx\":\"about\",\"unit\":\"" u "\"");
                claims = claims (claims ? "," : "") "{\"sentence\":" s ",\"status\":\"vague\",\"reasons\":[\"number\"]}";
            } else {
                a = "More than " v " " u " were counted in " l " last spring.";
                vs = st; ve = vs + 10 + length(v " " u);
                ls = ve + 17; le = ls + length(l);
                ents = ents (ents ? "," : "") span(ls, le, ",\"label\":\"LOC\"");
                nums = nums (nums ? "," : "") span(vs, ve, ",\"kind\":\"cardinal\",\"value\":" v ",\"approx\":\"more than\",\"unit\":\"" u "\"");
                claims = claims (claims ? "," : "") "{\"sentence\":" s ",\"status\":\"unsourced\",\"reasons\":[\"number\"]}";
            }
            sents = sents (sents ? "," : "") span(st, st + length(a), "");
            text = text a (s % 4 == 3 ? "\n\n" : " ");
        }
        gsub(/\n/, "\\n", text);
        printf "{\"id\":\"bench/%05d.txt\",\"text\":\"%s\",\"sentences\":[%s],\"entities\":[%s],\"numbers\":[%s],\"attributions\":[%s],\"claims\":[%s]}\n", \
            d, text, sents, ents, nums, attrs, claims;
    }
}
