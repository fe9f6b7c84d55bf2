package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"secbot/knowledge"
	"secbot/quiz"
	"secbot/schedules"
)

// Config is secbot's YAML configuration (SECBOT_CONFIG). See
// config.example.yaml for every key with its meaning.
type Config struct {
	// Timezone is the IANA zone schedules run in (default Asia/Tokyo).
	Timezone string `yaml:"timezone"`
	// Packs lists extra knowledge packs (YAML files in the pack format) to
	// load on top of the embedded default pack.
	Packs []string `yaml:"packs"`
	// Admins lists user ids allowed to run /quiz start and /quiz stop.
	Admins []string `yaml:"admins"`
	// CatchUpGrace is how late a missed slot may still be posted at start
	// (Go duration, default 2h).
	CatchUpGrace Duration `yaml:"catchup_grace"`

	Tips   TipsConfig   `yaml:"tips"`
	Quiz   QuizConfig   `yaml:"quiz"`
	Digest DigestConfig `yaml:"digest"`
	Teams  TeamsConfig  `yaml:"teams"`

	// Location is Timezone, loaded.
	Location *time.Location `yaml:"-"`

	// placeholders are the values that still hold the example's
	// REPLACE-ME; checkDeployment refuses them.
	placeholders []placeholder
}

// placeholder is a value left as the example wrote it.
type placeholder struct {
	line int
	key  string // teams.workflows.exec
}

// TipsConfig schedules the daily executive tip.
type TipsConfig struct {
	Schedule string   `yaml:"schedule"`
	Channels []string `yaml:"channels"`
}

// QuizConfig schedules the weekly quiz.
type QuizConfig struct {
	Schedule     string   `yaml:"schedule"`
	Channels     []string `yaml:"channels"`
	AnswerWindow Duration `yaml:"answer_window"`
	// SeasonStart is the day (MM-DD, in timezone) leaderboard seasons and
	// the curriculum start afresh each year; default 04-01, the Japanese
	// fiscal year.
	SeasonStart string `yaml:"season_start"`
	// RemindBefore, when set (2h, say), posts a reminder this long before
	// a round closes, with how many have answered (no names).
	RemindBefore Duration `yaml:"remind_before"`
}

// DigestConfig schedules the managers' weekly digest by DM.
type DigestConfig struct {
	// Schedule is a 5-field cron spec (default Fridays 17:00).
	Schedule string `yaml:"schedule"`
	// Managers maps a manager's user id to the quiz channels they follow.
	Managers map[string][]string `yaml:"managers"`
}

// TeamsConfig names the Workflows webhooks that scheduled Teams posts go to.
// A channel entry "teams:NAME" in tips.channels or quiz.channels posts to
// Workflows[NAME]; "teams:default" posts to TEAMS_WORKFLOW_URL.
//
// Channels maps the same NAMEs to the Teams channel ids (19:…@thread.tacv2)
// the outgoing webhook sees, so that a quiz answer typed in Teams counts for
// the round posted to teams:NAME.
//
// PublicURL is the https address where people's browsers reach secbot (the
// outgoing webhook's callback URL without /teams/messages); when set, the
// outgoing webhook's answer cards carry 👍/👎 links to PublicURL/teams/vote.
// Read at start, like Channels for the webhook.
type TeamsConfig struct {
	Workflows map[string]string `yaml:"workflows"`
	Channels  map[string]string `yaml:"channels"`
	PublicURL string            `yaml:"public_url"`
}

// Duration is a time.Duration written as a Go duration string ("24h").
type Duration time.Duration

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return err
	}
	v, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration (write it like 24h or 90m)", n.Line, s)
	}
	*d = Duration(v)
	return nil
}

// Defaults.
const (
	defaultTimezone       = "Asia/Tokyo"
	defaultTipsSchedule   = "0 9 * * 1-5"
	defaultQuizSchedule   = "0 10 * * 1"
	defaultDigestSchedule = "0 17 * * 5"
	defaultAnswerWindow   = 24 * time.Hour
	defaultCatchUpGrace   = 2 * time.Hour
)

// DefaultConfig is the configuration used when SECBOT_CONFIG is not set: no
// channels, so nothing is posted on a schedule.
func DefaultConfig() *Config {
	c := &Config{}
	if err := c.complete(nil); err != nil {
		panic(err) // the defaults are constants
	}
	return c
}

// loadConfig returns the config at SECBOT_CONFIG, or the defaults (Asia/Tokyo,
// tips "0 9 * * 1-5", quiz "0 10 * * 1", no channels) without one.
func loadConfig(env *Env) (*Config, error) {
	if path := env.Getenv("SECBOT_CONFIG"); path != "" {
		return LoadConfig(path)
	}
	return DefaultConfig(), nil
}

// loadPack returns the knowledge the bot serves: the embedded default pack,
// plus the packs that SECBOT_CONFIG's packs key lists.
func loadPack(env *Env) (*knowledge.Pack, error) {
	cfg, err := loadConfig(env)
	if err != nil {
		return nil, err
	}
	return knowledge.LoadPacks(cfg.Packs...)
}

// LoadConfig reads and validates the YAML config at path. Relative pack
// paths are taken relative to the config file's directory, so the bot finds
// them whatever its working directory.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c, err := ParseConfig(path, data)
	if err != nil {
		return nil, err
	}
	for i, p := range c.Packs {
		if !filepath.IsAbs(p) {
			c.Packs[i] = filepath.Join(filepath.Dir(path), p)
		}
	}
	return c, nil
}

// ParseConfig parses and validates a config. Every error names the file and,
// where it can, the line and the reason.
func ParseConfig(name string, data []byte) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %s", name, yamlMessage(err))
	}
	c := &Config{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %s", name, yamlMessage(err))
	}
	if err := c.complete(&root); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	c.placeholders = findPlaceholders(&root, "")
	return c, nil
}

// findPlaceholders lists the scalar values under n that contain the
// example's REPLACE-ME, with their dotted keys.
func findPlaceholders(n *yaml.Node, key string) []placeholder {
	var out []placeholder
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			out = append(out, findPlaceholders(c, key)...)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if key != "" {
				k = key + "." + k
			}
			out = append(out, findPlaceholders(n.Content[i+1], k)...)
		}
	case yaml.ScalarNode:
		if strings.Contains(n.Value, "REPLACE-ME") {
			out = append(out, placeholder{line: n.Line, key: key})
		}
	}
	return out
}

var yamlLinePrefix = regexp.MustCompile(`^yaml: (unmarshal errors:\n\s*)?`)

// yamlMessage makes yaml.v3's error text read well after a file name.
func yamlMessage(err error) string {
	s := yamlLinePrefix.ReplaceAllString(err.Error(), "")
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
}

// complete fills defaults and validates; root locates errors by line.
func (c *Config) complete(root *yaml.Node) error {
	at := func(path ...string) string {
		if n := findNode(root, path...); n != nil {
			return fmt.Sprintf("line %d: ", n.Line)
		}
		return ""
	}
	if c.Timezone == "" {
		c.Timezone = defaultTimezone
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return fmt.Errorf("%stimezone %q is not an IANA time zone (for example Asia/Tokyo)", at("timezone"), c.Timezone)
	}
	c.Location = loc
	if c.Tips.Schedule == "" {
		c.Tips.Schedule = defaultTipsSchedule
	}
	if _, err := schedules.ParseSpec(c.Tips.Schedule, loc); err != nil {
		return fmt.Errorf("%stips.schedule: %v", at("tips", "schedule"), err)
	}
	if c.Quiz.Schedule == "" {
		c.Quiz.Schedule = defaultQuizSchedule
	}
	if c.Digest.Schedule == "" {
		c.Digest.Schedule = defaultDigestSchedule
	}
	if _, err := schedules.ParseSpec(c.Digest.Schedule, loc); err != nil {
		return fmt.Errorf("%sdigest.schedule: %v", at("digest", "schedule"), err)
	}
	for m, chs := range c.Digest.Managers {
		if strings.TrimSpace(m) == "" {
			return fmt.Errorf("%sdigest.managers: an empty user id", at("digest", "managers"))
		}
		for _, ch := range chs {
			if err := c.checkChannel(ch); err != nil {
				return fmt.Errorf("%sdigest.managers.%s: %v", at("digest", "managers", m), m, err)
			}
		}
	}
	if _, err := schedules.ParseSpec(c.Quiz.Schedule, loc); err != nil {
		return fmt.Errorf("%squiz.schedule: %v", at("quiz", "schedule"), err)
	}
	if c.Quiz.AnswerWindow == 0 {
		c.Quiz.AnswerWindow = Duration(defaultAnswerWindow)
	}
	if w := time.Duration(c.Quiz.AnswerWindow); w < time.Minute || w > 7*24*time.Hour {
		return fmt.Errorf("%squiz.answer_window %s: must be between 1m and 168h", at("quiz", "answer_window"), w)
	}
	if r := time.Duration(c.Quiz.RemindBefore); r < 0 || (r > 0 && r >= time.Duration(c.Quiz.AnswerWindow)) {
		return fmt.Errorf("%squiz.remind_before %s: must be shorter than answer_window (%s), or 0 for no reminder", at("quiz", "remind_before"), r, time.Duration(c.Quiz.AnswerWindow))
	}
	if c.Quiz.SeasonStart == "" {
		c.Quiz.SeasonStart = quiz.DefaultSeasonStart
	}
	if _, err := quiz.ParseSeasons(c.Quiz.SeasonStart, loc); err != nil {
		return fmt.Errorf("%squiz.season_start: %v", at("quiz", "season_start"), err)
	}
	if findNode(root, "catchup_grace") != nil && c.CatchUpGrace <= 0 {
		// 0 would silently mean the default: say so instead.
		return fmt.Errorf("%scatchup_grace %s: must be positive (it is also how long failed posts are retried); leave it out for the default 2h", at("catchup_grace"), time.Duration(c.CatchUpGrace))
	}
	if c.CatchUpGrace == 0 {
		c.CatchUpGrace = Duration(defaultCatchUpGrace)
	}
	for _, list := range []struct {
		key      string
		channels []string
	}{{"tips", c.Tips.Channels}, {"quiz", c.Quiz.Channels}} {
		seen := map[string]bool{}
		for _, ch := range list.channels {
			if err := c.checkChannel(ch); err != nil {
				return fmt.Errorf("%s%s.channels: %v", at(list.key, "channels"), list.key, err)
			}
			if seen[ch] {
				return fmt.Errorf("%s%s.channels: %q is listed twice", at(list.key, "channels"), list.key, ch)
			}
			seen[ch] = true
		}
	}
	for name, url := range c.Teams.Workflows {
		if !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://") {
			return fmt.Errorf("%steams.workflows.%s: %q is not an http(s) URL", at("teams", "workflows", name), name, url)
		}
	}
	for name, id := range c.Teams.Channels {
		if strings.TrimSpace(id) == "" {
			return fmt.Errorf("%steams.channels.%s: empty Teams channel id", at("teams", "channels", name), name)
		}
	}
	if u := c.Teams.PublicURL; u != "" && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return fmt.Errorf("%steams.public_url: %q is not an http(s) URL", at("teams", "public_url"), u)
	}
	return nil
}

var slackChannelID = regexp.MustCompile(`^[CGD][A-Z0-9]{6,}$`)

// checkChannel accepts a Slack channel id (C…, G…, D…) or "teams:NAME" where
// NAME is a key of teams.workflows or "default" (TEAMS_WORKFLOW_URL).
func (c *Config) checkChannel(ch string) error {
	if name, ok := strings.CutPrefix(ch, "teams:"); ok {
		if name == "default" {
			return nil
		}
		if _, ok := c.Teams.Workflows[name]; !ok {
			return fmt.Errorf("%q names no workflow under teams.workflows (or use teams:default for TEAMS_WORKFLOW_URL)", ch)
		}
		return nil
	}
	if !slackChannelID.MatchString(ch) {
		return fmt.Errorf("%q is not a Slack channel id (like C0123456789) nor teams:NAME", ch)
	}
	return nil
}

// findNode returns the value node at path in a YAML document, or nil.
func findNode(n *yaml.Node, path ...string) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, key := range path {
		if n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				next = n.Content[i+1]
				break
			}
		}
		if next == nil {
			return nil
		}
		n = next
	}
	return n
}
