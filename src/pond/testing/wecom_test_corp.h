// A WeCom corp for tests and benchmarks (issue 27): a real HTTP server on loopback that answers
// the server API calls pond makes, in WeCom's documented request and response shapes, with its
// errcodes, limits and cursor paging, over a seeded corp (by default 20 staff with customer
// contact, 20,000 customers and 200 customer groups). WeCom's own servers cannot be reached from
// here; this follows developer.work.weixin.qq.com:
//   GET  /cgi-bin/gettoken?corpid&corpsecret           40013 wrong corp, 40001 wrong secret
//   GET  /cgi-bin/externalcontact/get_follow_user_list  {follow_user: [userid]}
//   POST /cgi-bin/externalcontact/batch/get_by_user     {userid_list ≤ 100, cursor, limit ≤ 100
//        (default 50, more is taken as 100)} → {external_contact_list: [{external_contact,
//        follow_info}], next_cursor}; 40032 for more than 100 userids, 40031 for an unknown one,
//        40035 for a cursor it did not give
//   POST /cgi-bin/externalcontact/groupchat/list        {status_filter, owner_filter, cursor,
//        limit 1–1000} → {group_chat_list: [{chat_id, status}], next_cursor}; 40035 otherwise
//   POST /cgi-bin/externalcontact/groupchat/get         {chat_id, need_name} → {group_chat};
//        40050 for an unknown chat
//   GET  /cgi-bin/externalcontact/get?external_userid   {external_contact, follow_user: [{userid,
//        remark, createtime, state, tags: [{group_name, tag_name, tag_id, type: 1}]}]};
//        84061 for someone who is nobody's friend
//   POST /cgi-bin/externalcontact/get_corp_tag_list     {tag_id?, group_id?} → {tag_group: [...]}
//   POST /cgi-bin/externalcontact/add_corp_tag          {group_id | group_name, tag: [{name}]} →
//        {tag_group}; 40071 for a name the group has already
//   POST /cgi-bin/externalcontact/mark_tag              {userid, external_userid, add_tag,
//        remove_tag}; 84061 when they are not friends, 40068 for a tag id it does not know
//   POST /cgi-bin/externalcontact/add_msg_template      {chat_type: single, external_userid
//        (at most 10,000), sender, text} → {fail_list: the sender's non-friends, msgid}; or
//        {chat_type: group, sender, chat_id_list (≤ 2,000; none: all the sender owns)}: a chat
//        the sender does not own ends with status 2, each group one message a day (status 3)
//   POST /cgi-bin/externalcontact/get_groupmsg_send_result {msgid, userid, limit ≤ 1000,
//        cursor} → {send_list: [{external_userid, chat_id, userid, status, send_time}],
//        next_cursor}; status 0 until the sender confirms the task (ConfirmTasks), then 1 sent,
//        2 not a friend, 3 the customer had a group message from the corp that day
//   POST /cgi-bin/externalcontact/customer_acquisition/create_link {link_name, range:
//        {user_list}, skip_verify} → {link: {link_id, link_name, url, create_time}}; 40003 for
//        a user_list naming someone who is not staff, 40035 without a name or range
//   POST /cgi-bin/externalcontact/transfer_customer, resigned/transfer_customer
//        {handover_userid, takeover_userid, external_userid (1–100), transfer_success_msg?} →
//        {customer: [{external_userid, errcode}]}: 40096 for someone not the handover's customer
//   POST /cgi-bin/externalcontact/groupchat/onjob_transfer, groupchat/transfer {chat_id_list
//        (1–100), new_owner} → {failed_chat_list: [{chat_id, errcode, errmsg}]}; transfer is
//        for groups whose owner left (status 1): 90500 otherwise
// Join ways and Moments (wecom_test_social.cc):
//   POST /cgi-bin/externalcontact/groupchat/add_join_way {scene 1|2, remark, auto_create_room
//        0|1, room_base_name (≤ 40 characters, required to auto-create), room_base_id,
//        chat_id_list (1–5 of the corp's chats), state (≤ 30 characters)} → {config_id};
//        40058 for a parameter out of its range, 40050 for a chat it does not have
//   POST /cgi-bin/externalcontact/groupchat/get_join_way {config_id} → {join_way: the same
//        fields, config_id and qr_code}; update_join_way {config_id, …} replaces them;
//        del_join_way {config_id}. A customer scanning the code (JoinByWay) joins the first
//        listed chat under 200 members (WeCom's limit for joining by QR code); when all are
//        full and auto_create_room is 1, WeCom opens "<room_base_name><room_base_id>", counts
//        room_base_id up and lists the new chat (the oldest full one leaves a list of 5)
//   POST /cgi-bin/externalcontact/add_moment_task {text: {content ≤ 2,000}, attachments (≤ 9),
//        visible_range: {sender_list: {user_list}}} → {jobid}; the job is running (status 2)
//        the first time get_moment_task_result asks and done (3) after: {result: {errcode,
//        moment_id, invalid_sender_list: {user_list}}}
//   POST /cgi-bin/externalcontact/get_moment_task {moment_id, cursor, limit ≤ 1,000} →
//        {task_list: [{userid, publish_status}]}: 0 until the sender posts it (PublishMoment)
//   POST /cgi-bin/externalcontact/get_moment_send_result {moment_id, userid, cursor, limit ≤
//        5,000} → {customer_list: [{external_userid}]}: the sender's customers, once posted
//   POST /cgi-bin/externalcontact/get_moment_comments {moment_id, userid} → {comment_list,
//        like_list: [{external_userid, create_time}]}
// Every API call checks its access_token: 42001 once ExpireTokens() was called for it, 40014 for
// one it never issued. Faults for tests: FailNext (an errcode such as 45009, -1 or 84061) and
// BreakAfter (the server stops answering with JSON: HTTP 503, as a dead upstream).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "pond/testing/http_test_server.h"

namespace pond::testing {

struct CorpShape {
  int staff = 20;
  int customers = 20'000;
  int groups = 200;
  uint64_t seed = 7;
  std::string corp_id = "wwtestcorp0001";
  std::string secret = "test-corp-secret";
};

struct CorpJoinWay {
  std::string config_id;
  int scene = 2;
  std::string remark;
  int auto_create_room = 1;
  std::string room_base_name;
  int room_base_id = 1;
  std::vector<std::string> chat_id_list;
  std::string state;
};

struct CorpMoment {
  std::string jobid, moment_id;
  std::string text;
  std::vector<std::string> senders;  // valid ones
  std::vector<std::string> invalid_senders;
  std::set<std::string> posted_by;  // senders who posted it in WeCom's client
  int result_reads = 0;             // get_moment_task_result calls: the first finds it running
  std::vector<std::pair<std::string, int64_t>> likes, comments;  // external_userid, time
};

struct CorpTag {
  std::string id;  // "et…"
  std::string group_id;
  std::string group_name;
  std::string name;
};

struct CorpFollow {
  std::string userid;                // the staff member
  std::vector<std::string> tag_ids;  // the corp tags this staff member put on the customer
  std::string remark;
  std::string state;  // the contact way's state (pond's channel code), "" for none
  int64_t createtime = 0;
  int add_way = 1;
};

struct CorpCustomer {
  std::string external_userid;
  std::string unionid;  // "" for a customer whose WeChat is not bound to the brand's open platform
  std::string name;
  int gender = 0;
  std::vector<CorpFollow> follows;  // one or two staff members
};

struct CorpGroupMember {
  std::string userid;  // a staff userid (type 1) or an external_userid (type 2)
  int type = 2;
  std::string unionid;
  int64_t join_time = 0;
  int join_scene = 1;
  std::string invitor;
};

struct CorpGroup {
  std::string chat_id;
  std::string name;
  std::string owner;
  int64_t create_time = 0;
  int status = 0;  // 0 the owner is with the corp; 1 left, to be handed over
  std::vector<CorpGroupMember> members;
};

class WecomTestCorp {
 public:
  explicit WecomTestCorp(CorpShape shape = {});
  ~WecomTestCorp();

  std::string url() const { return server_->url(); }
  const CorpShape& shape() const { return shape_; }
  const std::vector<std::string>& staff() const { return staff_; }
  const std::vector<CorpCustomer>& customers() const { return customers_; }
  // The chats; CreateChat and JoinByWay add to them: read while no request runs.
  const std::vector<CorpGroup>& groups() const { return groups_; }
  int64_t follow_pairs() const;  // (customer, staff) friendships: batch/get_by_user's items

  // Faults.
  void ExpireTokens();  // every token issued so far answers 42001 from now on
  // The next `times` calls of the API whose path ends with `api` ("batch/get_by_user") answer
  // `errcode` with WeCom's errmsg for it.
  void FailNext(std::string api, int errcode, int times = 1);
  // After `calls` more API calls (gettoken included), every request answers HTTP 503.
  void BreakAfter(int calls);
  void Mend();                            // undoes BreakAfter
  int calls(std::string_view api) const;  // answered calls whose path ends with `api`
  int tokens_issued() const;

  // The corp's tag library (seeded with groups 客户等级 and skin), and tags as a staff member
  // in WeCom's client sets them.
  std::vector<CorpTag> tags() const;
  const CorpTag* FindTag(std::string_view group_name, std::string_view name) const;
  std::vector<std::string> TagsOn(std::string_view external_userid, std::string_view staff) const;
  bool MarkInWecom(std::string_view external_userid, std::string_view staff,
                   const std::string& tag_id, bool add);

  // Group sends as staff members confirm them in WeCom's client: every open task of `sender` is
  // sent, each customer at most once a day (NextDay starts another).
  void ConfirmTasks(std::string_view sender);
  void NextDay();
  int tasks() const;
  // Customer groups and join ways: a staff member opens a chat in WeCom's client; a customer
  // scans a join way's code and lands in a chat ("" when the code has no chat with room and
  // opens none). Chat ids are WeCom-shaped ("wrTC…").
  std::string CreateChat(const std::string& owner, const std::string& name);
  std::string JoinByWay(const std::string& config_id, const std::string& external_userid);
  std::vector<CorpJoinWay> join_ways() const;
  int64_t members_of(const std::string& chat_id) const;  // customers in the chat
  // Moments: the sender posts the task in WeCom's client; customers like and comment.
  std::vector<CorpMoment> moments() const;
  bool PublishMoment(const std::string& moment_id, const std::string& sender);
  bool LikeMoment(const std::string& moment_id, const std::string& external_userid);
  bool CommentMoment(const std::string& moment_id, const std::string& external_userid);

  // Customers whose transfer was asked for (WeCom completes it 24 hours later), by takeover.
  std::map<std::string, int> transfers() const;

 private:
  CannedResponse Handle(const RecordedRequest& r);
  CannedResponse Api(const std::string& path, const std::string& query, const std::string& body);
  CannedResponse FollowUsers();
  CannedResponse BatchGetByUser(const std::string& body);
  CannedResponse GroupChatList(const std::string& body);
  CannedResponse GroupChatGet(const std::string& body);
  CannedResponse GetContact(const std::string& query);
  CannedResponse CorpTagList(const std::string& body);
  CannedResponse AddCorpTag(const std::string& body);
  CannedResponse MarkTag(const std::string& body);
  CannedResponse AddMsgTemplate(const std::string& body);
  CannedResponse SendResult(const std::string& body);
  CannedResponse CreateLink(const std::string& body);
  CannedResponse TransferCustomers(const std::string& body);
  CannedResponse TransferGroups(const std::string& body, bool resigned_only);
  CannedResponse SaveJoinWay(const std::string& body, bool update);
  CannedResponse GetJoinWay(const std::string& body);
  CannedResponse DelJoinWay(const std::string& body);
  CannedResponse AddMomentTask(const std::string& body);
  CannedResponse MomentTaskResult(const std::string& query);
  CannedResponse MomentTask(const std::string& body);
  CannedResponse MomentSendResult(const std::string& body);
  CannedResponse MomentComments(const std::string& body);
  CorpGroup* GroupOf(std::string_view chat_id);      // REQUIRES: mu_
  CorpMoment* MomentOf(std::string_view moment_id);  // REQUIRES: mu_
  CorpFollow* FollowOf(std::string_view external_userid, std::string_view staff);
  const CorpTag* TagById(std::string_view id) const;
  void Generate();

  CorpShape shape_;
  std::vector<std::string> staff_;
  std::vector<CorpCustomer> customers_;
  std::vector<CorpGroup> groups_;
  std::map<std::string, std::vector<size_t>> customers_of_;    // staff userid -> customer indexes
  std::map<std::string, size_t, std::less<>> customer_index_;  // external_userid -> index
  std::vector<CorpTag> tags_;                                  // GUARDED_BY(mu_)
  struct Task {
    std::string msgid, sender;
    std::vector<std::pair<std::string, int>> status;  // external_userid (chat_id) -> status
    bool group = false;                               // chat_type "group"
    bool confirmed = false;
    int64_t send_time = 0;
  };
  std::vector<Task> tasks_;                        // GUARDED_BY(mu_)
  int day_ = 1;                                    // GUARDED_BY(mu_)
  int links_ = 0;                                  // GUARDED_BY(mu_)
  std::map<std::string, int> transfers_;           // GUARDED_BY(mu_): takeover -> customers
  std::map<std::string, int> last_received_;       // GUARDED_BY(mu_): external_userid -> day
  std::map<std::string, int> last_chat_received_;  // GUARDED_BY(mu_): chat_id -> day
  int next_tag_ = 0;                               // GUARDED_BY(mu_)
  std::vector<CorpJoinWay> join_ways_;             // GUARDED_BY(mu_)
  std::vector<CorpMoment> moments_;                // GUARDED_BY(mu_)

  mutable std::mutex mu_;
  std::set<std::string> live_tokens_, expired_tokens_;
  int next_token_ = 0;
  std::map<std::string, std::pair<int, int>> failures_;  // api -> (errcode, times left)
  int break_after_ = -1;                                 // -1: never
  std::map<std::string, int> calls_;
  std::unique_ptr<HttpTestServer> server_;  // last: it calls Handle until destroyed
};

}  // namespace pond::testing
